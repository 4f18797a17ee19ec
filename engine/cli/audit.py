"""`regimes replay` and `regimes impact`: the decision log from the command line (REGIMES_DATABASE_URL).

Exit status: 0 nothing changed, 1 something changed, 3 bad input (unknown decision,
regime or date), 4 the candidate policy is invalid.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from engine.cli.common import BadInput, make_console, parse_date, print_json, render_result
from engine.vocabulary import OUTCOME_TEXT

EXIT_UNCHANGED, EXIT_CHANGED = 0, 1


def _store() -> Any:
    from engine.audit.store import Store, database_url, safe_url

    try:
        return Store()
    except Exception as exc:  # any driver error means the same thing to the user: no log to read
        raise BadInput(f"无法打开决策日志 {safe_url(database_url())}：{exc.__class__.__name__}: {exc}") from None


def _render_changes(changes: dict[str, Any], console: Any) -> None:
    if changes.get("regime"):
        a, b = changes["regime"]["from"], changes["regime"]["to"]
        console.print(f"规则集：{a['id']} {a['version']} {a['hash'][:19]}… → {b['id']} {b['version']} {b['hash'][:19]}…")
    if changes.get("as_of"):
        console.print(f"基准日期：{changes['as_of']['from']} → {changes['as_of']['to']}")
    if changes.get("verdict"):
        console.print(f"[bold]结论变化：{changes['verdict']['from']} → {changes['verdict']['to']}[/]")
    for rule in changes.get("rules", []):
        console.print(f"  {rule['rule']}（{rule['subject_id']}）：{OUTCOME_TEXT.get(rule['from'], rule['from'])} → "
                      f"{OUTCOME_TEXT.get(rule['to'], rule['to'])}")


def cmd_replay(args: argparse.Namespace) -> int:
    from engine.audit.replay import ReplayError, replay
    from engine.registry import Registry

    store = _store()
    try:
        registry = Registry.load() if (args.regime or args.as_of) else None
        out = replay(store, args.decision_id, registry, args.regime, args.as_of)
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


def cmd_impact(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from engine.audit.replay import impact
    from engine.backends.sandbox import compile_candidate
    from engine.policy.validate import load_regime_file

    load_regime_file(args.candidate)  # PolicyError (unreadable, too big, not UTF-8, invalid): printed by cli.main, exit 4
    path = Path(args.candidate)
    # compiled first in a child process with a time limit (engine/sandbox.py); PolicyError as above
    candidate = compile_candidate(path.read_text(encoding="utf-8"), str(path), path.parent)
    store = _store()
    try:
        progress = Progress(TextColumn("重算已记录的决策"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=make_console(sys.stderr), transient=True, disable=not sys.stderr.isatty())
        with progress:
            task = progress.add_task("impact", total=store.count(candidate.id))
            out = impact(store, candidate, lambda done, total: progress.update(task, completed=done, total=total))
    finally:
        store.close()
    if args.format == "json":
        print_json(out)
    else:
        console = make_console()
        c = out["candidate"]
        console.print(f"候选规则 {c['id']} 版本 {c['version']} {c['hash']}")
        console.print(f"已记录的决策 {out['decisions']} 条；会改变的 {out['changed']} 条"
                      f"（结论变化 {out['verdict_changed']} 条，规则结果变化 {out['rules_changed']} 条）")
        for item in out["changes"]:
            console.print(f"\n[bold]{item['decision_id']}[/]  {item['created_at']}  规则集 {item['regime']['version']}"
                          f"  基准日期 {item['as_of']}")
            _render_changes({"verdict": item["verdict"], "rules": item["rules"]}, console)
    return EXIT_CHANGED if out["changed"] else EXIT_UNCHANGED


def add_commands(sub: Any, fmt: dict[str, Any]) -> None:
    """Register the decision-log subcommands on the `regimes` parser."""
    s = sub.add_parser("replay", help="重算一条已记录的决策，显示与原决策的差异")
    s.add_argument("decision_id")
    group = s.add_mutually_exclusive_group()
    group.add_argument("--regime", help="改用这个已加载的规则集重算")
    group.add_argument("--as-of", type=parse_date, help="改用该日期、及同一地区当日生效的规则集重算")
    s.add_argument("--format", **fmt)
    s.set_defaults(func=cmd_replay)

    s = sub.add_parser("impact", help="候选规则文件会改变哪些已记录的决策")
    s.add_argument("candidate", help="候选规则文件（YAML）")
    s.add_argument("--format", **fmt)
    s.set_defaults(func=cmd_impact)

