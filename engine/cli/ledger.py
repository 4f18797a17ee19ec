"""`regimes ledger`, `regimes obligations` and `regimes source`: what a notice says, what it asks and by when."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from typing import Any

import icalendar
from rich.table import Table

from engine.cli.common import BadInput, chosen_regime, load_facts, load_registry, make_console, parse_date, print_json
from engine.compare.render import source_html
from engine.evaluate import evaluate
from engine.policy import ledger
from engine.policy.model import JUDGEMENTS, Regime
from engine.vocabulary import OBLIGATION_TEXT, STAGE_TEXT


def ledger_data(regime: Regime) -> dict[str, Any]:
    try:
        return ledger.regime_report(regime)
    except ledger.SourceUnavailable as exc:
        raise BadInput(str(exc)) from None


def cmd_ledger(args: argparse.Namespace) -> int:
    regime = load_registry().get(args.id)
    data = ledger_data(regime)
    if args.format == "json":
        print_json(data)
        return 0
    console = make_console()
    e = data["entries"]
    console.print(f"[bold]{regime.id}[/] 条文台账：规范性语句 {data['normative_sentences']} 句，已说明 {data['accounted']} 句"
                  f"（{data['coverage']:.0%}）；条目：已编码 {e['encoded']}、需人工核对 {e['manual']}、"
                  f"不约束申报方 {e['not_for_applicants']}、背景说明 {e['context']}")
    table = Table(show_lines=True, expand=True)
    for col, ratio in (("行", 1), ("原文", 6), ("处理", 5)):
        table.add_column(col, overflow="fold", ratio=ratio)
    for row in data["sentences"]:
        how = "\n".join(
            f"{ledger.STATUS_TEXT[x['status']]}" + (f"：{'、'.join(x['rules'])}" if x["rules"] else "")
            + (f"（{x['part']}）" if x["part"] else "") + (f"\n  {x['check'] or x['why']}" if x["check"] or x["why"] else "")
            for x in row["entries"]) or "[red]未说明[/]"
        table.add_row(str(row["line"]), row["sentence"], how)
    console.print(table)
    return 0


def _obligations(args: argparse.Namespace) -> tuple[Regime, dict[str, Any]]:
    facts = load_facts(args.facts)
    regime, as_of, _ = chosen_regime(args)
    return regime, evaluate(regime, facts, as_of, stage="application", judge=args.judge)


def ics(regime: Regime, obligations: list[dict[str, Any]]) -> bytes:
    """One all-day event per dated duty, for the applicant's calendar."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//regimes//专家服务基层//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{regime.id} 限期事项")
    stamp = dt.datetime.now(dt.UTC)
    for o in obligations:
        if not o["due"]:
            continue
        event = icalendar.Event()
        uid = hashlib.sha256(f"{o['rule']}|{o['subject_id']}|{o['due']}".encode()).hexdigest()[:24]
        event.add("uid", f"{uid}@regimes")
        event.add("dtstamp", stamp)
        event.add("dtstart", dt.date.fromisoformat(o["due"]))
        event.add("summary", f"{o['what']}（截止，含当日）")
        event.add("description", f"{o['clause']}：“{o['quote']}”\n状态：{OBLIGATION_TEXT.get(o['status'], o['status'])}"
                                 f"\n规则：{o['rule']}")
        cal.add_component(event)
    return cal.to_ical()


def cmd_obligations(args: argparse.Namespace) -> int:
    regime, result = _obligations(args)
    duties = result["obligations"]
    if args.format == "json":
        print_json({"regime": result["regime"], "as_of": result["as_of"], "obligations": duties})
    elif args.format == "ics":
        sys.stdout.buffer.write(ics(regime, duties))
    else:
        console = make_console()
        if not duties:
            console.print("这些事实没有带截止日期的事项")
        for o in duties:
            due = f"{o['due']}（含当日）" if o["due"] else "截止日期待定（缺少计算所需的日期）"
            console.print(f"{due}  {o['what']}（{o['subject_id']}，{STAGE_TEXT[o['stage']]}）  "
                          f"{OBLIGATION_TEXT.get(o['status'], o['status'])}  {o['clause']}")
    return 0


def cmd_source(args: argparse.Namespace) -> int:
    regime = load_registry().get(args.id)
    data = ledger_data(regime)
    if args.format == "html":
        print(source_html(regime, data), end="")
    else:
        for row in data["sentences"]:
            marks = "、".join(ledger.STATUS_TEXT[x["status"]] for x in row["entries"]) or "未说明"
            print(f"{row['line']:4d} [{marks}] {row['sentence']}")
    return 0


def add_commands(sub: Any, fmt: dict[str, Any]) -> None:
    s = sub.add_parser("ledger", help="条文台账：原文每句规范性语句及其处理")
    s.add_argument("id")
    s.add_argument("--format", **fmt)
    s.set_defaults(func=cmd_ledger)

    s = sub.add_parser("obligations", help="事实所涉的限期事项（可导出日历 ics）")
    s.add_argument("facts", help="YAML 或 JSON 事实文件；- 表示标准输入")
    group = s.add_mutually_exclusive_group()
    group.add_argument("--regime")
    group.add_argument("--region")
    s.add_argument("--as-of", type=parse_date, help="基准日期 YYYY-MM-DD，默认今天")
    s.add_argument("--judge", choices=list(JUDGEMENTS), default="application")
    s.add_argument("--format", choices=["text", "json", "ics"], default="text")
    s.set_defaults(func=cmd_obligations)

    s = sub.add_parser("source", help="标注了台账状态的原文")
    s.add_argument("id")
    s.add_argument("--format", choices=["text", "html"], default="text")
    s.set_defaults(func=cmd_source)
