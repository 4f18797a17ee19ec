"""What every `regimes` command shares: exit codes, console, argument types, facts loading, result rendering."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any, NoReturn

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from engine.facts import load_facts_file, load_facts_text
from engine.policy.model import JUDGEMENTS, STAGES, Regime
from engine.registry import Registry
from engine.vocabulary import (
    ENTITLEMENT_OUTCOME,
    JUDGE_TEXT,
    OBLIGATION_TEXT,
    RESULT_GROUPS,
    SEVERITY_TEXT,
    STAGE_TEXT,
    SUBJECT_TEXT,
    VERDICT_TEXT,
)

EXIT_ELIGIBLE, EXIT_INELIGIBLE, EXIT_INCOMPLETE, EXIT_BAD_INPUT, EXIT_INVALID_POLICY = 0, 1, 2, 3, 4
VERDICT_EXIT = {"eligible": EXIT_ELIGIBLE, "ineligible": EXIT_INELIGIBLE, "incomplete": EXIT_INCOMPLETE}


class BadInput(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors are bad input, not "ineligible"
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: 参数错误：{message}\n")


def add_query_options(parser: argparse.ArgumentParser) -> None:
    """--stage and --judge: what is judged, and at which stage (CONTRACT.md)."""
    parser.add_argument("--stage", choices=list(STAGES), default="application",
                        help="阶段：application 申报（默认）、filing 方案备案、implementation 实施、closing 结项；"
                             "判定该阶段及之前阶段的规则，之后阶段的限期事项列为待办")
    parser.add_argument("--judge", choices=list(JUDGEMENTS), default="application",
                        help="判定对象：application 申报项目（默认）、expert 专家、base 基地、locality 市县、"
                             "listing 推荐一览表、secondment 跟岗锻炼")


class _PlainWhenPiped(Console):
    """Tables with box-drawing borders on a terminal; plain columns when piped (grep and diff read it line by line)."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if not self.is_terminal:
            for item in objects:
                if isinstance(item, Table):
                    item.box = None
                    item.show_lines = False
        super().print(*objects, **kwargs)


def make_console(stream: Any = None) -> Console:
    stream = stream or sys.stdout
    width = None if stream.isatty() else 160  # piped: wide enough that tables are not cut
    return _PlainWhenPiped(file=stream, width=width, highlight=False, soft_wrap=False)


def parse_date(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' 不是有效日期（格式 YYYY-MM-DD）") from None


def chosen_regime(args: argparse.Namespace) -> tuple[Regime, dt.date, str]:
    """The regime `--regime ID`, or the edition of `--region` in force on `--as-of` (default today), and the
    registry's note when an edition named by id was not the one in force then (`Registry.edition_note`)."""
    as_of = args.as_of or dt.date.today()
    if args.regime:
        registry = load_registry()
        regime = registry.get(args.regime)
        return regime, as_of, registry.edition_note(regime, as_of)
    if args.region:
        return load_registry().select(args.region, as_of), as_of, ""
    raise BadInput("请用 --regime ID 或 --region 地区 [--as-of 日期] 指定规则集")


def load_registry() -> Registry:
    reg = Registry.load()
    for line in reg.errors:
        print(f"警告：已跳过无效的规则文件：{line}", file=sys.stderr)
    return reg


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def load_facts(path: str) -> dict:
    if path == "-":
        return load_facts_text(sys.stdin.read(), "<stdin>")
    return load_facts_file(path)



def _box(console: Console) -> Any:
    """Box-drawing borders on a terminal; plain columns when piped (grep and diff read it line by line)."""
    return box.HEAVY_HEAD if console.is_terminal else None


def _rule_table(title: str, colour: str, console: Console) -> Table:
    table = Table(title=title, title_style=f"bold {colour}", title_justify="left", show_lines=console.is_terminal,
                  expand=True, box=_box(console))
    table.add_column("规则", no_wrap=True, min_width=8)  # ids are never broken mid-word; the text columns wrap
    table.add_column("对象", overflow="fold", ratio=1)
    table.add_column("说明", overflow="fold", ratio=5)
    table.add_column("条款", overflow="fold", ratio=4)
    return table


def render_result(result: dict[str, Any], console: Console) -> None:
    _, style = VERDICT_TEXT[result["verdict"]]
    reg = result["regime"]
    console.print(Text.assemble(("结论：", "bold"), (result.get("verdict_text") or VERDICT_TEXT[result["verdict"]][0], style)))
    console.print(f"规则集 {reg['id']} 版本 {reg['version']} {reg['hash']}  基准日期 {result['as_of']}  "
                  f"阶段 {STAGE_TEXT.get(result.get('stage', ''), '')}  判定对象 {JUDGE_TEXT.get(result.get('judged', ''), '')}")
    if result.get("edition_note"):
        console.print("[bold yellow]注意：[/]" + escape(result["edition_note"]))
    if result.get("caveat"):
        console.print(f"[bold yellow]注意：[/]{result['caveat']}")
    if result.get("missing_subjects"):
        names = "、".join(SUBJECT_TEXT.get(s, s) for s in result["missing_subjects"])
        console.print(f"[yellow]缺少判定所需的事实主体：{names}[/]")
    for title, pick, colour in RESULT_GROUPS:
        rows = [r for r in result["results"] if pick(r)]
        if not rows:
            continue
        table = _rule_table(f"{title}（{len(rows)}）", colour, console)
        for r in rows:
            message = r["message"]
            if r["kind"] == "entitlement":
                message = f"【{ENTITLEMENT_OUTCOME.get(r['outcome'], r['outcome'])}】{message}"
            elif r["severity"] != "error":
                message = f"【{SEVERITY_TEXT[r['severity']]}】{message}"
            if r.get("reading"):
                message += f"\n解读：{r['reading']}"
            src = r["source"]
            table.add_row(r["rule"].split("/", 1)[1], r["subject_id"], message,
                          f"{src['document']} {src['clause']}\n“{src['quote']}”")
        console.print(table)
    na = sorted({r["rule"].split("/", 1)[1] for r in result["results"] if r["outcome"] == "not_applicable"})
    if na:
        console.print(f"[dim]不适用（条件未触发）：{'、'.join(na)}[/]")
    manual = result.get("manual_checks") or []
    if manual:
        table = Table(title=f"需人工核对（{len(manual)}）", title_style="bold blue", title_justify="left",
                      show_lines=console.is_terminal, expand=True, box=_box(console))
        table.add_column("条款", overflow="fold", ratio=2)
        table.add_column("原文", overflow="fold", ratio=4)
        table.add_column("核对什么", overflow="fold", ratio=4)
        for m in manual:
            table.add_row(m["clause"], f"“{m['quote']}”", m["what"])
        console.print(table)
    duties = result.get("obligations") or []
    if duties:
        table = Table(title=f"限期事项（{len(duties)}）", title_style="bold", title_justify="left",
                      show_lines=console.is_terminal, expand=True, box=_box(console))
        for col, ratio in (("截止日期", 2), ("事项", 3), ("状态", 2), ("条款", 3)):
            table.add_column(col, overflow="fold", ratio=ratio)
        for o in duties:
            due = f"{o['due']}（含当日）" if o["due"] else "待定"
            status = OBLIGATION_TEXT.get(o["status"], o["status"])
            if o.get("done_on"):
                status += f"：{o['done_on']}"
            table.add_row(due, f"{o['what']}（{o['subject_id']}）", status, o["clause"])
        console.print(table)
    later = result.get("later_stages") or []
    if later:
        names = "、".join(f"{r['title']}（{STAGE_TEXT.get(r['stage'], r['stage'])}）" for r in later)
        console.print(f"[dim]以后阶段的要求（本次未判定）：{names}[/]")
