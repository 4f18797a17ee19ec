"""`regimes replay`, `decisions`, `impact`, `erase` and `verify-log`: the decision log from the command line.

They read the log the service writes (REGIMES_DATABASE_URL, default sqlite:///./regimes-decisions.db) and
never create one: a missing file or an unreachable server is one message naming the URL (password masked).
`--verbose` says which database is used. Every decision shown is recorded in the read log (role `cli`,
the operating-system user).

Exit status: `replay` and `impact`: 0 nothing changed, 1 something changed, 3 bad input (unknown
decision, regime or date; no decision log), 4 the candidate policy is invalid. `decisions`: 0 (also when
nothing matches), 3 bad input. `erase`: 0, 3 bad input. `verify-log`: 0 every row checks out, 1 a problem
found, 3 bad input.

`replay --all`, `impact` and `verify-log --rebuild` run in `--workers` processes (default: every CPU) with a
progress bar on a terminal (none when stderr is not one).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

from rich.table import Table

from engine.cli.common import BadInput, make_console, parse_date, print_json, render_result
from engine.policy.model import STAGES
from engine.vocabulary import JUDGE_TEXT, OUTCOME_TEXT, STAGE_TEXT, VERDICT_TEXT

EXIT_UNCHANGED, EXIT_CHANGED = 0, 1
CLI_PAGE_SIZE = 500  # `--all` reads the matches in pages of this size


def _store(args: argparse.Namespace) -> Any:
    from engine.audit.store import NoDecisionLog, database_url, describe, open_existing

    url = database_url()
    try:
        store = open_existing(url)
    except NoDecisionLog as exc:
        raise BadInput(str(exc)) from None
    if getattr(args, "verbose", False):
        print(f"决策日志：{describe(url)}（{store.dialect}）", file=sys.stderr)
    return store


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment (e.g. a container without /etc/passwd entry)
        return "unknown"


@contextlib.contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr (a terminal only; nothing when piped); yields the callback (done, total)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=make_console(sys.stderr), transient=True, disable=not sys.stderr.isatty())
    with progress:
        task = progress.add_task(label, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' 不是整数") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError("进程数应在 1 到 256 之间")
    return value


def _log_read(store: Any, action: str, ids: list[str], query: dict[str, Any] | None = None) -> None:
    """Record the read; a log that refuses the write (read-only file or user) is warned about, not fatal:
    whoever can run this command can read the database directly anyway."""
    try:
        store.log_read("cli", f"os:{_user()}", action, ids, query)
    except Exception as exc:  # any driver error: the read itself already succeeded
        print(f"警告：未能记入读取日志：{exc.__class__.__name__}", file=sys.stderr)


def _render_changes(changes: dict[str, Any], console: Any) -> None:
    if changes.get("regime"):
        a, b = changes["regime"]["from"], changes["regime"]["to"]
        console.print(f"规则集：{a['id']} {a['version']} {a['hash'][:19]}… → {b['id']} {b['version']} {b['hash'][:19]}…")
    if changes.get("as_of"):
        console.print(f"基准日期：{changes['as_of']['from']} → {changes['as_of']['to']}")
    if changes.get("verdict"):
        console.print(f"[bold]结论变化：{_verdict(changes['verdict']['from'])} → {_verdict(changes['verdict']['to'])}[/]")
    for rule in changes.get("rules", []):
        console.print(f"  {rule['rule']}（{rule['subject_id']}）：{OUTCOME_TEXT.get(rule['from'], rule['from'])} → "
                      f"{OUTCOME_TEXT.get(rule['to'], rule['to'])}")


def _verdict(code: str | None) -> str:
    return VERDICT_TEXT[code][0] if code in VERDICT_TEXT else (code or "—")


# ---------------------------------------------------------------- replay

def cmd_replay(args: argparse.Namespace) -> int:
    from engine.audit.replay import ReplayError, replay
    from engine.registry import Registry

    if args.all:
        if args.decision_id or args.regime or args.as_of:
            raise BadInput("--all 按各自的规则快照重算全部决策，不能与决策编号、--regime 或 --as-of 同时使用")
        return _replay_all(args)
    if not args.decision_id:
        raise BadInput("请给出决策编号，或用 --all 重算全部已记录的决策")
    store = _store(args)
    try:
        registry = Registry.load() if (args.regime or args.as_of) else None
        out = replay(store, args.decision_id, registry, args.regime, args.as_of)
        _log_read(store, "replay", [args.decision_id], {"regime": args.regime, "as_of": args.as_of})
    except ReplayError as exc:
        raise BadInput(str(exc)) from None
    finally:
        store.close()
    changes = out["changes"]
    if args.format == "json":
        print_json(out)
    else:
        console = make_console()
        render_result(out["result"], console)
        if changes["identical"]:
            console.print("[bold green]与记录的决策完全一致[/]（同一规则快照、同一结论、每条规则结果相同）")
        else:
            console.print("[bold yellow]与记录的决策不同：[/]")
            _render_changes(changes, console)
    return EXIT_UNCHANGED if changes["identical"] else EXIT_CHANGED


def _replay_all(args: argparse.Namespace) -> int:
    from engine.audit.replay import replay_all

    store = _store(args)
    try:
        with _progress("按规则快照重算已记录的决策") as progress:
            out = replay_all(store, progress=progress, workers=args.workers)
        _log_read(store, "replay-all", [d["decision_id"] for d in out["different"]])
    finally:
        store.close()
    if args.format == "json":
        print_json(out)
    else:
        console = make_console()
        console.print(f"已重算 {out['decisions']} 条决策：与记录一致 {out['identical']} 条，"
                      f"不一致 {len(out['different'])} 条，无法重算 {len(out['refused'])} 条")
        for item in out["different"]:
            console.print(f"\n[bold]{item['decision_id']}[/]  {item['regime']['id']} {item['regime']['version']}  "
                          f"基准日期 {item['as_of']}")
            _render_changes(item["changes"], console)
        for item in out["refused"]:
            console.print(f"[yellow]{item['decision_id']}[/]：{item['error']}")
    return EXIT_CHANGED if out["different"] or out["refused"] else EXIT_UNCHANGED


# ---------------------------------------------------------------- erasure and verification (PIPL)

def cmd_erase(args: argparse.Namespace) -> int:
    import json

    from engine.audit.search import day_start
    from engine.audit.store import decisions, erase_personal

    if not args.decision and args.before is None:
        raise BadInput("请用 --decision ID（可多个）或 --before DATE 指定要删除个人信息的决策")
    reason = (args.reason or "").strip()
    if not reason:
        raise BadInput("--reason 不能为空：请写明删除个人信息的依据（如“保存期限届满”“本人申请删除”）")
    store = _store(args)
    try:
        chosen = list(dict.fromkeys(args.decision or []))
        rows: list[Any] = [store.get(i) for i in chosen]
        unknown = [i for i, row in zip(chosen, rows, strict=True) if row is None]
        if unknown:
            raise BadInput(f"决策日志中没有这些决策：{'、'.join(unknown)}")
        batches: Any = [rows]
        if args.before is not None:  # --decision and --before: both sets
            c = decisions.c
            batches = [rows, *store.scan(None, 500, (c.id, c.created_at, c.facts_json), before=day_start(args.before))]
        found: dict[str, dict[str, Any]] = {}
        for batch in batches:
            for row in batch:
                fields = len(erase_personal(json.loads(row.facts_json))[1])
                if fields and row.id not in found:
                    found[row.id] = {"decision_id": row.id, "created_at": _utc(row.created_at).isoformat(),
                                     "fields": fields}
        done: list[dict[str, Any]] = []
        if args.yes:
            actor = f"os:{_user()}"
            for decision_id in found:
                erased = store.erase(decision_id, reason, actor)
                if erased and erased["fields"]:
                    done.append(erased)
    finally:
        store.close()
    items = list(found.values())
    out = {"dry_run": not args.yes, "reason": reason, "decisions": len(done) if args.yes else len(items),
           "fields": sum(i["fields"] for i in (done if args.yes else items)), "items": done if args.yes else items}
    if args.format == "json":
        print_json(out)
        return 0
    console = make_console()
    if not items:
        console.print("没有需要删除个人信息的决策（所选决策中没有个人信息，或已删除）")
    elif not args.yes:
        console.print(f"[bold]试运行[/]：将删除 {out['decisions']} 条决策中的 {out['fields']} 项个人信息"
                      "（替换为“〔已删除〕”）；确认执行请加 --yes")
        for item in items[:50]:
            console.print(f"  {item['decision_id']}  记录于 {item['created_at']}  个人信息 {item['fields']} 项")
        if len(items) > 50:
            console.print(f"  …… 另有 {len(items) - 50} 条")
    else:
        console.print(f"已删除 {out['decisions']} 条决策中的 {out['fields']} 项个人信息；每次删除都记入 erasures 表"
                      "（时间、原因、操作者、删除前后的事实摘要），可用 regimes verify-log 核验")
    return 0


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def cmd_verify_log(args: argparse.Namespace) -> int:
    from engine.audit.replay import replay_all

    store = _store(args)
    try:
        with _progress("核验决策日志的摘要") as progress:
            out: dict[str, Any] = store.verify_digests(progress)
        out["rebuild"] = None
        if args.rebuild:
            with _progress("按规则快照重建并比对记录") as progress:
                out["rebuild"] = replay_all(store, progress=progress, workers=args.workers)
    finally:
        store.close()
    rebuild = out["rebuild"]
    bad = bool(out["problems"]) or bool(rebuild and (rebuild["different"] or rebuild["refused"]))
    if args.format == "json":
        print_json(out)
        return EXIT_CHANGED if bad else EXIT_UNCHANGED
    console = make_console()
    console.print(f"决策 {out['decisions']} 条（紧凑记录 {out['compact']}，完整结果 {out['legacy']}）：摘要一致 {out['ok']} 条，"
                  f"其中删除过个人信息 {out['erased']} 条；无摘要可核（迁移 5 之前记录）{out['unverifiable']} 条；"
                  f"问题 {len(out['problems'])} 条")
    for problem in out["problems"][:100]:
        console.print(f"  [red]{problem['decision_id']}[/]：{problem['problem']}")
    if rebuild is not None:
        console.print(f"重建比对：{rebuild['decisions']} 条，与记录一致 {rebuild['identical']} 条，"
                      f"不一致 {len(rebuild['different'])} 条，无法重建 {len(rebuild['refused'])} 条")
        for item in rebuild["different"][:100]:
            console.print(f"  [red]{item['decision_id']}[/]：规则结果与记录不同（regimes replay {item['decision_id']}）")
        for item in rebuild["refused"][:100]:
            console.print(f"  [red]{item['decision_id']}[/]：{item['error']}")
    console.print("[bold green]决策日志核验通过[/]" if not bad else "[bold red]决策日志核验发现问题[/]")
    return EXIT_CHANGED if bad else EXIT_UNCHANGED


# ---------------------------------------------------------------- decisions

FILTERS = ("regime", "region", "project_id", "unit", "verdict", "stage", "date_from", "date_to")


def _query(args: argparse.Namespace) -> Any:
    from engine.audit.search import DecisionQuery, region_query
    from engine.registry import Registry

    region: str | None = None
    region_regimes: tuple[str, ...] = ()
    if args.region:
        region, region_regimes = region_query(Registry.load(compile_engine=False), args.region)
    return DecisionQuery(regime=args.regime, region=region, project_id=args.project_id, unit=args.unit,
                         verdict=args.verdict, stage=args.stage, date_from=args.date_from, date_to=args.date_to,
                         page=1 if args.all else args.page, page_size=CLI_PAGE_SIZE if args.all else args.page_size,
                         region_regimes=region_regimes)


def _search_all(store: Any, query: Any) -> dict[str, Any]:
    """Every match, read page by page (the log can be large; memory holds only the items printed)."""
    from dataclasses import replace

    from engine.audit.search import search

    first = search(store, query, CLI_PAGE_SIZE)
    items = list(first["items"])
    for page in range(2, first["pages"] + 1):
        items += search(store, replace(query, page=page), CLI_PAGE_SIZE)["items"]
    return {**first, "items": items, "page": 1, "page_size": len(items), "pages": 1}


def cmd_decisions(args: argparse.Namespace) -> int:
    from engine.audit.search import SearchError, csv_rows, search

    if args.id:
        given = [f for f in FILTERS if getattr(args, f)]
        if given or args.all or args.page != 1:
            raise BadInput("--id 显示一条决策，不能与筛选条件、--page 或 --all 同时使用")
        return _show_decision(args)
    query = _query(args)
    store = _store(args)
    try:
        out = _search_all(store, query) if args.all else search(store, query)
        _log_read(store, "search", [i["id"] for i in out["items"]], query.filters())
    except SearchError as exc:
        raise BadInput(f"查询条件有误：{exc}") from None
    finally:
        store.close()
    if args.format == "json":
        print_json(out)
    elif args.format == "csv":
        sys.stdout.write(csv_rows(out["items"]))
    else:
        _render_page(out)
    return 0


def _render_page(out: dict[str, Any]) -> None:
    from engine.audit.search import local_time

    console = make_console()
    if not out["items"]:
        console.print("没有符合条件的决策" + (f"（共 {out['total']} 条，本页超出范围）" if out["total"] else ""))
        return
    table = Table(show_lines=False)
    for col in ("时间（北京时间）", "决策编号", "规则集", "地区", "阶段·对象", "结论", "项目编号", "申报单位", "承办单位"):
        if col == "决策编号":  # whole, so it can be copied into `regimes decisions --id` / `replay`
            table.add_column(col, no_wrap=True, min_width=36)
        else:
            table.add_column(col, overflow="fold")
    for i in out["items"]:
        table.add_row(local_time(i["created_at"]), i["id"], f"{i['regime']['id']} {i['regime']['version']}",
                      i["region"] or "—", f"{STAGE_TEXT.get(i['stage'], i['stage'])}·{JUDGE_TEXT.get(i['judged'], i['judged'])}",
                      _verdict(i["verdict"]), i["project_id"] or "—", i["applicant_unit"] or "—", i["host_unit"] or "—")
    console.print(table)
    more = f"；下一页：--page {out['page'] + 1}" if out["page"] < out["pages"] else ""
    console.print(f"第 {out['page']}/{out['pages']} 页，共 {out['total']} 条{more}")


def _show_decision(args: argparse.Namespace) -> int:
    from engine.audit.replay import ReplayError
    from engine.audit.search import decision_report, report_json

    if args.format == "csv":
        raise BadInput("--id 的输出格式为 text 或 json（可打印的审计报告见服务的 /audit/decisions/ID 页面）")
    store = _store(args)
    try:
        report = decision_report(store, args.id)
        _log_read(store, "report", [args.id])
    except ReplayError as exc:
        raise BadInput(str(exc)) from None
    finally:
        store.close()
    if args.format == "json":
        print(report_json(report))
        return 0
    console = make_console()
    d = report["decision"]
    console.print(f"[bold]决策 {d['id']}[/]  记录于 {d['local_time']}（北京时间）  引擎 {d['engine']}")
    console.print(f"项目编号 {d['project_id'] or '—'}  申报单位 {d['applicant_unit'] or '—'}  承办单位 {d['host_unit'] or '—'}")
    r = report["regime"]
    console.print(f"规则集快照：{r['id']}（{r['title']}）版本 {r['version']} {r['hash']}")
    render_result(report["result"], console)
    if report["exact"]["identical"]:
        console.print("[bold green]按记录的规则快照重算：与记录完全一致[/]")
    else:
        console.print("[bold red]按记录的规则快照重算：与记录不同[/]")
        _render_changes(report["exact"]["changes"], console)
    return 0


# ---------------------------------------------------------------- impact

def cmd_impact(args: argparse.Namespace) -> int:
    from pathlib import Path

    from engine.audit.replay import impact
    from engine.audit.search import impact_csv
    from engine.backends.sandbox import compile_candidate
    from engine.policy.validate import load_regime_file
    from engine.registry import Registry

    load_regime_file(args.candidate)  # PolicyError (unreadable, too big, not UTF-8, invalid): printed by cli.main, exit 4
    path = Path(args.candidate)
    # compiled first in a child process with a time limit (engine/sandbox.py); PolicyError as above
    candidate = compile_candidate(path.read_text(encoding="utf-8"), str(path), path.parent)
    registry = Registry.load(compile_engine=False)  # which edition is in force on the candidate's date
    store = _store(args)
    try:
        with _progress("重算已记录的决策") as progress:
            out = impact(store, candidate, progress, registry=registry, workers=args.workers)
        _log_read(store, "impact", [c["decision_id"] for c in out["changes"]], {"candidate": out["candidate"]})
    finally:
        store.close()
    if args.format == "json":
        print_json(out)
    elif args.format == "csv":
        sys.stdout.write(impact_csv(out))
    else:
        _render_impact(out, candidate)
    return EXIT_CHANGED if out["changed"] else EXIT_UNCHANGED


def _render_impact(out: dict[str, Any], candidate: Any) -> None:
    from engine.audit.search import local_time
    from engine.compare.core import topic_label

    console = make_console()
    c = out["candidate"]
    console.print(f"候选规则 {c['id']} 版本 {c['version']} {c['hash']}（{candidate.region_name}，"
                  f"自 {candidate.effective_from.isoformat()} 起）")
    replaces = out["replaces"]
    if replaces is None:
        console.print(f"{candidate.region_name}在 {candidate.effective_from.isoformat()} 时没有已知的版本可比较；"
                      f"只重算编号为 {c['id']} 的决策")
    elif replaces["why"] == "same_id":
        console.print(f"取代同一编号的 {replaces['id']}")
    else:
        console.print(f"取代 {replaces['id']}（{candidate.region_name}在 {candidate.effective_from.isoformat()} "
                      f"时生效的版本，自 {replaces['effective_from']} 起）")
    console.print(f"已记录的决策 {out['decisions']} 条（规则集 {'、'.join(out['regimes'])}）；会改变的 {out['changed']} 条"
                  f"（结论变化 {out['verdict_changed']} 条，规则结果变化 {out['rules_changed']} 条）")
    if out["refused"]:
        console.print(f"[yellow]候选规则无法重算的决策 {len(out['refused'])} 条[/]（如候选规则不再作出该类判定）："
                      + "、".join(r["decision_id"] for r in out["refused"][:10]))
    if out["by_rule"]:
        table = Table(title="按规则统计（结果改变的决策数）", title_justify="left")
        for col in ("规则", "主题", "决策数", "变化"):
            table.add_column(col, overflow="fold")
        for entry in out["by_rule"]:
            steps = "；".join(f"{_step(k)} {n}" for k, n in entry["transitions"].items())
            table.add_row(entry["rule"], topic_label(entry["topic"] or "—"), str(entry["decisions"]), steps)
        console.print(table)
    for item in out["changes"]:
        console.print(f"\n[bold]{item['decision_id']}[/]  {local_time(item['created_at'])}  {item['regime']['id']} "
                      f"{item['regime']['version']}  基准日期 {item['as_of']}  项目 {item['project_id'] or '—'}  "
                      f"申报单位 {item['applicant_unit'] or '—'}")
        console.print(f"  结论：{_verdict(item['verdict_before'])} → {_verdict(item['verdict_after'])}")
        for rule in item["rules"]:
            console.print(f"  {rule['rule']}（{rule['subject_id']}）：{OUTCOME_TEXT.get(rule['from'], rule['from'])} → "
                          f"{OUTCOME_TEXT.get(rule['to'], rule['to'])}")


def _step(key: str) -> str:
    """'pass→fail' as 通过→不通过; '—' is a rule one side does not have."""
    before, _, after = key.partition("→")
    return "→".join(OUTCOME_TEXT.get(None if s == "—" else s, s) for s in (before, after))


# ---------------------------------------------------------------- parser

def _page_size(text: str) -> int:
    from engine.audit.search import MAX_PAGE_SIZE

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' 不是整数") from None
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise argparse.ArgumentTypeError(f"每页条数应在 1 到 {MAX_PAGE_SIZE} 之间（全部导出用 --all）")
    return value


def _page(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' 不是整数") from None
    if value < 1:
        raise argparse.ArgumentTypeError("页码从 1 开始")
    return value


def _verbose(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verbose", "-v", action="store_true", help="在标准错误输出中说明使用的是哪个决策日志")


def add_commands(sub: Any, fmt: dict[str, Any]) -> None:
    """Register the decision-log subcommands on the `regimes` parser."""
    workers = {"type": _workers, "default": os.cpu_count() or 1,
               "help": "并行的进程数（默认为 CPU 数；1 = 在本进程内）"}
    s = sub.add_parser("replay", help="重算一条已记录的决策，显示与原决策的差异；--all 按规则快照重算全部决策")
    s.add_argument("decision_id", nargs="?")
    group = s.add_mutually_exclusive_group()
    group.add_argument("--regime", help="改用这个已加载的规则集重算")
    group.add_argument("--as-of", type=parse_date, help="改用该日期、及同一地区当日生效的规则集重算")
    s.add_argument("--all", action="store_true", help="按各自的规则快照重算全部已记录的决策，列出与记录不一致的")
    s.add_argument("--workers", **workers)
    s.add_argument("--format", **fmt)
    _verbose(s)
    s.set_defaults(func=cmd_replay)

    s = sub.add_parser("decisions", help="查找已记录的决策（审计），或用 --id 显示一条决策的审计报告")
    s.add_argument("--id", help="显示这一条决策：事实、结果、规则集快照，及按快照重算是否一致")
    s.add_argument("--regime", help="规则集编号，如 shanghai-2026")
    s.add_argument("--region", help="地区，如 shanghai 或 上海")
    s.add_argument("--project-id", help="项目编号（完全一致）")
    s.add_argument("--unit", help="申报单位或承办单位（完全一致）")
    s.add_argument("--verdict", choices=["eligible", "ineligible", "incomplete"], help="结论")
    s.add_argument("--stage", choices=list(STAGES), help="阶段")
    s.add_argument("--from", dest="date_from", type=parse_date, metavar="DATE",
                   help="决策日期不早于（北京时间，含当日）YYYY-MM-DD")
    s.add_argument("--to", dest="date_to", type=parse_date, metavar="DATE",
                   help="决策日期不晚于（北京时间，含当日）YYYY-MM-DD")
    s.add_argument("--page", type=_page, default=1, help="页码，从 1 开始（最新的在前）")
    s.add_argument("--page-size", type=_page_size, default=20, help="每页条数，1–100，默认 20")
    s.add_argument("--all", action="store_true", help="全部匹配的决策（不分页；适合 --format csv 导出）")
    s.add_argument("--format", choices=["text", "json", "csv"], default="text")
    _verbose(s)
    s.set_defaults(func=cmd_decisions)

    s = sub.add_parser("impact", help="候选规则文件会改变哪些已记录的决策（与它将取代的版本下的决策比较）")
    s.add_argument("candidate", help="候选规则文件（YAML）")
    s.add_argument("--workers", **workers)
    s.add_argument("--format", choices=["text", "json", "csv"], default="text")
    _verbose(s)
    s.set_defaults(func=cmd_impact)

    s = sub.add_parser("erase", help="删除决策日志中的个人信息（专家姓名），保留其余内容与可核验性（默认试运行）")
    s.add_argument("--decision", action="append", metavar="ID", help="决策编号（可重复）")
    s.add_argument("--before", type=parse_date, metavar="DATE",
                   help="保存期限：删除该日（北京时间）之前记录的全部决策中的个人信息 YYYY-MM-DD")
    s.add_argument("--reason", required=True, help="删除依据（必填，记入 erasures 表）")
    s.add_argument("--yes", action="store_true", help="确认执行；不加则只列出将删除的内容")
    s.add_argument("--format", **fmt)
    _verbose(s)
    s.set_defaults(func=cmd_erase)

    s = sub.add_parser("verify-log", help="核验决策日志：事实摘要、删除记录、紧凑记录；--rebuild 按规则快照重建比对")
    s.add_argument("--rebuild", action="store_true", help="另按规则快照重算每条决策，与紧凑记录逐条比对（较慢）")
    s.add_argument("--workers", **workers)
    s.add_argument("--format", **fmt)
    _verbose(s)
    s.set_defaults(func=cmd_verify_log)
