"""What every `regimes` command shares: exit codes, console, argument types, facts loading, result rendering."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any, NoReturn

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.facts import load_facts_file, load_facts_text
from engine.registry import Registry
from engine.vocabulary import ENTITLEMENT_OUTCOME, RESULT_GROUPS, SEVERITY_TEXT, VERDICT_TEXT

EXIT_ELIGIBLE, EXIT_INELIGIBLE, EXIT_INCOMPLETE, EXIT_BAD_INPUT, EXIT_INVALID_POLICY = 0, 1, 2, 3, 4
VERDICT_EXIT = {"eligible": EXIT_ELIGIBLE, "ineligible": EXIT_INELIGIBLE, "incomplete": EXIT_INCOMPLETE}


class BadInput(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors are bad input, not "ineligible"
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: 参数错误：{message}\n")


def make_console(stream: Any = None) -> Console:
    stream = stream or sys.stdout
    width = None if stream.isatty() else 160
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


def parse_date(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' 不是有效日期（格式 YYYY-MM-DD）") from None


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



def render_result(result: dict[str, Any], console: Console) -> None:
    label, style = VERDICT_TEXT[result["verdict"]]
    reg = result["regime"]
    console.print(Text.assemble(("结论：", "bold"), (label, style)))
    console.print(f"规则集 {reg['id']} 版本 {reg['version']} {reg['hash']}  基准日期 {result['as_of']}")
    for title, pick, colour in RESULT_GROUPS:
        rows = [r for r in result["results"] if pick(r)]
        if not rows:
            continue
        table = Table(title=f"{title}（{len(rows)}）", title_style=f"bold {colour}", title_justify="left",
                      show_lines=True, expand=True)
        table.add_column("规则", overflow="fold", ratio=2)
        table.add_column("对象", overflow="fold", ratio=1)
        table.add_column("说明", overflow="fold", ratio=5)
        table.add_column("条款", overflow="fold", ratio=4)
        for r in rows:
            message = r["message"]
            if r["kind"] == "entitlement":
                message = f"【{ENTITLEMENT_OUTCOME.get(r['outcome'], r['outcome'])}】{message}"
            elif r["severity"] != "error":
                message = f"【{SEVERITY_TEXT[r['severity']]}】{message}"
            src = r["source"]
            table.add_row(r["rule"].split("/", 1)[1], r["subject_id"], message,
                          f"{src['document']} {src['clause']}\n“{src['quote']}”")
        console.print(table)
    na = sorted({r["rule"].split("/", 1)[1] for r in result["results"] if r["outcome"] == "not_applicable"})
    if na:
        console.print(f"[dim]不适用（条件未触发）：{'、'.join(na)}[/]")
