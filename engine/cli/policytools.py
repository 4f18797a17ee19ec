"""`regimes test` and `regimes new-edition`: policy staff's tools for a new notice."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.table import Table

from engine.cli.common import EXIT_BAD_INPUT, BadInput, load_registry, make_console, print_json
from engine.errors import QueryError
from engine.evaluate import evaluate
from engine.policy.cases import (
    CaseError,
    CaseResult,
    case_files,
    cases_path,
    check_against,
    load_case_file,
    regime_id_for,
    run_case,
    seen_outcomes,
)
from engine.policy.checks import review_path, scaffold
from engine.policy.coverage import gaps
from engine.policy.model import Regime
from engine.policy.validate import MAX_SOURCE_BYTES
from engine.registry import Registry, policies_dir

EXIT_FAILED = 1

# The "a new notice came out" checklist; policies/README.md carries the same steps.
CHECKLIST = (
    ("原文 source", "核对 {source} 是新通知的完整原文（UTF-8，含附件；从 PDF 复制的断行无妨）"),
    ("日期 dates", "在 {policy} 填写 issued（发布日期）、effective_from（生效日期）和 documents 的文号、日期，"
                 "改写 date_note（占位说明未改写前 validate 不通过）"),
    ("规则 rules", "{review} 列出引文在新原文中找不到的规则：按新通知改写 source.quote、params、title、message，"
                 "删去新通知取消的规则，为新增的要求写规则（引文找到后自动视为已核对）"),
    ("台账 ledger", "review: true 的台账条目在新原文中找不到：改为新句子并核对状态与规则；"
                  "validate 会列出台账尚未说明的每一句规范性语句"),
    ("解读 readings", "逐条核对 severity 与 reading：新通知的情态词（须/应/一般应/鼓励）可能变了"),
    ("测试 tests", "核对 {cases} 中每个用例的 as_of、事实与期望结果：regimes test {id}，再 regimes test {id} --coverage"),
    ("校验 validate", "regimes validate（整个规则目录：编号重复、文件名与编号、日期、台账、引擎限制、标题与参数是否一致）"),
    ("影响 impact", "regimes impact {policy}：新版本会改变哪些已记录的决策"),
    ("重新加载 reload", "POST /v1/admin/reload（或向服务进程发送 SIGHUP），再看 /healthz 是否列出 {id}"),
)


def add_commands(sub: Any, fmt: dict[str, Any]) -> None:
    """Register the policy-staff subcommands on the `regimes` parser."""
    s = sub.add_parser("test", help="运行规则文件旁的测试用例（policies/<地区>/tests/<版本年>.yaml）")
    s.add_argument("id", nargs="?", help="只运行这个规则集的用例，如 shanghai-2026；默认全部")
    s.add_argument("--coverage", action="store_true", help="并列出用例没有驱动到每种可能结果的规则")
    s.add_argument("--format", **fmt)
    s.set_defaults(func=cmd_test)

    s = sub.add_parser("new-edition", help="依据该地区最新版本生成新版本的规则文件草稿，并打印核对清单")
    s.add_argument("region", help="地区代码或中文名，如 shanghai 或 上海")
    s.add_argument("year", type=_year, help="新版本的年份，如 2027")
    s.add_argument("--source", required=True, help="新通知的原文（UTF-8 文本文件）")
    s.set_defaults(func=cmd_new_edition)


def _year(text: str) -> int:
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"'{text}' 不是有效年份（2000—2100）")
    return int(text)


# ---------------------------------------------------------------- regimes test

def cmd_test(args: argparse.Namespace) -> int:
    reg = load_registry()
    root = policies_dir()
    if args.id:
        regime = reg.get(args.id)
        path = cases_path(Path(regime.path))
        if not path.is_file():
            raise BadInput(f"规则集 {regime.id} 没有测试用例：{path} 不存在（格式见 policies/README.md“测试用例”）")
        files = [path]
    else:
        files = case_files(root)
        if not files:
            raise BadInput(f"{root} 下没有测试用例文件（<地区>/tests/<版本年>.yaml）")
    errors: list[str] = []
    runs: list[tuple[Path, Regime, list[CaseResult]]] = []
    for path in files:
        found = reg.regimes.get(regime_id_for(path))
        if found is None:
            errors.append(f"{_shown(path)}:1:1: 用例所属的规则集 {regime_id_for(path)} 未加载"
                          f"（{_shown(path.parent.parent / path.name)} 不存在或无效：先运行 regimes validate）")
            continue
        try:
            case_file = load_case_file(path, name=_shown(path))
        except CaseError as exc:
            errors.extend(exc.errors)
            continue
        problems = check_against(case_file, found)
        if problems:
            errors.extend(problems)
            continue
        results = []
        for case in case_file.cases:
            try:
                results.append(run_case(case, found, evaluate))
            except QueryError as exc:
                errors.append(f"{case.where}: 用例“{case.name}”：{exc}")
        runs.append((path, found, results))
    untested = [] if args.id else sorted(set(reg.regimes) - {r.id for _, r, _ in runs} - _ids(files))
    missing = gaps(seen_outcomes([r for _, _, rs in runs for r in rs]), [r for _, r, _ in runs]) if args.coverage else {}
    failed = sum(1 for _, _, rs in runs for r in rs if not r.passed)
    if args.format == "json":
        print_json(_json(runs, errors, untested, missing if args.coverage else None))
    else:
        _text(runs, untested, missing if args.coverage else None)
    if errors:
        print("用例文件有误：", file=sys.stderr)
        for line in errors:
            print(f"  {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_FAILED if failed else 0


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _ids(files: list[Path]) -> set[str]:
    return {f"{p.parent.parent.name}-{p.stem}" for p in files}


def _text(runs: list[tuple[Path, Regime, list[CaseResult]]], untested: list[str],
          missing: dict[str, list[str]] | None) -> None:
    total = passed = 0
    for path, regime, results in runs:
        print(f"{regime.id}（{_shown(path)}，{len(results)} 个用例）")
        for r in results:
            total += 1
            passed += r.passed
            print(f"  {'✓' if r.passed else '✗'} {r.case.name}" + ("" if r.passed else f"（{r.case.where}）"))
            for line in r.differences:
                print(f"      - {line}")
    for rid in untested:
        print(f"提示：规则集 {rid} 没有测试用例文件")
    if total:
        print(f"共 {total} 个用例：{passed} 个通过，{total - passed} 个未通过")
    if missing is None:
        return
    if not missing:
        print("覆盖：用例驱动了每条规则可能产生的每种结果（通过与不通过，或通过与缺少事实）")
        return
    table = Table(title="用例未覆盖的规则结果（可再写用例）", title_justify="left")
    for col in ("规则集", "规则数", "已全部覆盖", "缺少的结果"):
        table.add_column(col, overflow="fold")
    for _, regime, _ in runs:
        lacking = {k: v for k, v in missing.items() if k.startswith(regime.id + "/")}
        table.add_row(regime.id, str(len(regime.rules)), str(len(regime.rules) - len(lacking)),
                      "\n".join(f"{k.split('/', 1)[1]}: {', '.join(v)}" for k, v in lacking.items()) or "—")
    make_console().print(table)


def _json(runs: list[tuple[Path, Regime, list[CaseResult]]], errors: list[str], untested: list[str],
          missing: dict[str, list[str]] | None) -> dict[str, Any]:
    files: list[dict[str, Any]] = [{"regime": regime.id, "path": _shown(path), "cases": [
        {"name": r.case.name, "passed": r.passed, "verdict": r.result["verdict"], "differences": r.differences}
        for r in results]} for path, regime, results in runs]
    cases = [c for f in files for c in f["cases"]]
    out: dict[str, Any] = {"files": files, "errors": errors, "untested": untested,
                           "totals": {"cases": len(cases), "passed": sum(c["passed"] for c in cases),
                                      "failed": sum(not c["passed"] for c in cases)}}
    if missing is not None:
        out["coverage"] = missing
    return out


# ---------------------------------------------------------------- regimes new-edition

def cmd_new_edition(args: argparse.Namespace) -> int:
    reg = Registry.load()  # quietly: an unfinished draft elsewhere in the folder is not this command's business
    editions = reg.editions(args.region)
    if not editions:
        regions = "、".join(sorted({f"{r.region}（{r.region_name}）" for r in reg.regimes.values()}))
        raise BadInput(f"地区 '{args.region}' 还没有任何版本（可用：{regions}）；第一个版本请按 policies/README.md 手写")
    latest = max(editions, key=lambda r: (r.edition, r.effective_from))
    region, year = latest.region, args.year
    new_id = f"{region}-{year}"
    source_text = _read_source(Path(args.source))
    root = policies_dir()
    old_path = Path(latest.path)
    policy = root / region / f"{year}.yaml"
    source = root / "sources" / f"{new_id}.txt"
    review = review_path(policy)
    cases_old, cases_new = cases_path(old_path), cases_path(policy)
    exists = [p for p in (policy, source, review, cases_new) if p.exists()]
    if exists or new_id in reg.regimes:
        names = "、".join(_shown(p) for p in exists) or f"规则集 {new_id}"
        raise BadInput(f"{names} 已存在，不会覆盖：新版本 {new_id} 已经开始编写（要重新生成，请先移走这些文件）")
    drafts = sorted(p for p in (root / region).glob("*.yaml") if p.stem.isdigit() and int(p.stem) > latest.edition)
    if drafts:
        raise BadInput(f"{'、'.join(_shown(p) for p in drafts)} 比 {latest.id} 新，但无法加载（regimes validate 查看原因）："
                       "先完成或移走它，再生成新版本")
    try:
        old_text = old_path.read_text(encoding="utf-8")
        old_cases = cases_old.read_text(encoding="utf-8") if cases_old.is_file() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"无法读取 {latest.id} 的文件：{exc.__class__.__name__}") from None
    made = scaffold(old_text, latest.data, region, year, source_text, old_cases)
    written: list[Path] = []
    try:
        for path, text in ((source, source_text), (policy, made.policy), (review, made.review),
                           (cases_new, made.cases)):
            if text is None:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
                handle.write(text if text.endswith("\n") else text + "\n")
            written.append(path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise BadInput(f"无法写入 {path}：{exc.strerror or exc}（未留下任何新文件）") from None
    _report(new_id, latest, made, policy, source, review, cases_new if made.cases else None)
    return 0


def _read_source(path: Path) -> str:
    try:
        if not path.is_file():
            raise BadInput(f"--source {path}：找不到文件（或不是普通文件）")
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise BadInput(f"--source {path}：文件过大（超过 {MAX_SOURCE_BYTES // 1024} KiB）")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"--source {path}：不是 UTF-8 文本（请先转换编码，如 iconv -f GBK -t UTF-8）") from None
    except OSError as exc:
        raise BadInput(f"--source {path}：无法读取（{exc.strerror or exc}）") from None
    if not text.strip():
        raise BadInput(f"--source {path}：文件是空的")
    return text


def _report(new_id: str, latest: Regime, made: Any, policy: Path, source: Path, review: Path,
            cases: Path | None) -> None:
    print(f"已生成新版本 {new_id} 的草稿（版本 0.1.0），依据 {latest.id}（{_shown(Path(latest.path))}）：")
    for path, what in ((policy, "规则文件"), (source, "原文"), (review, "待核对的规则"), (cases, "测试用例（复制自上一版本）")):
        if path is not None:
            print(f"  {_shown(path)}  {what}")
    found = made.rules_total - len(made.rules_pending)
    print(f"规则：{made.rules_total} 条，{found} 条的引文在新原文中原样找到（已自动核对），{len(made.rules_pending)} 条待核对")
    print(f"条文台账：{made.clauses_total} 条，{made.clauses_total - made.clauses_pending} 条在新原文中找到，"
          f"{made.clauses_pending} 条标为 review: true 待核对")
    if made.rewritten:
        print("注意：原文件的排版无法逐行保留，新文件按数据重写（注释未保留）")
    print("日期：issued 与 effective_from 为 null，填写前 regimes validate 不通过，新版本也不会被加载")
    print()
    print("新通知发布后的核对清单：")
    values = {"source": _shown(source), "policy": _shown(policy), "review": _shown(review),
              "cases": _shown(cases) if cases else _shown(policy.parent / "tests"),
              "id": new_id}
    for n, (step, what) in enumerate(CHECKLIST, 1):
        print(f"  {n}. {step}：{what.format(**values)}")
