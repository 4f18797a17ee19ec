"""`regimes compare`, `matrix` and `diff`: thin commands over engine.compare and engine.compare.render."""

from __future__ import annotations

import argparse
from typing import Any

from engine.cli.common import add_query_options, load_facts, load_registry, make_console, parse_date, print_json
from engine.compare import render
from engine.compare.core import compare, diff, matrix, outcome_table


def _ids(text: str | None) -> list[str] | None:
    """`a,b` or `a，b` → ["a", "b"]; an empty option means "all"."""
    if not text:
        return None
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()] or None


def cmd_compare(args: argparse.Namespace) -> int:

    facts = load_facts(args.facts)
    reg = load_registry()
    data = compare(reg, facts, _ids(args.regimes), args.as_of, stage=args.stage, judge=args.judge)
    if args.format == "json":
        print_json(data)
    else:
        render.compare_text(outcome_table(data, reg), make_console())
    return 0


def cmd_matrix(args: argparse.Namespace) -> int:

    data = matrix(load_registry(), _ids(args.regimes), _ids(args.topics))
    if args.format == "json":
        print_json(data)
    elif args.format == "markdown":
        print(render.matrix_markdown(data), end="")
    elif args.format == "html":
        print(render.matrix_html(data), end="")
    else:
        render.matrix_text(data, make_console())
    return 0


def cmd_diff(args: argparse.Namespace) -> int:

    data = diff(load_registry(), args.from_id, args.to_id)
    if args.format == "json":
        print_json(data)
    elif args.format == "markdown":
        print(render.diff_markdown(data), end="")
    else:
        render.diff_text(data, make_console(), show_unchanged=args.all)
    return 0


def add_commands(sub: Any, fmt: dict[str, Any]) -> None:
    """Register the comparison subcommands on the `regimes` parser."""

    s = sub.add_parser("compare", help="用所有（或指定的）规则集判定同一事实文件并对照")
    s.add_argument("facts", help="YAML 或 JSON 事实文件；- 表示标准输入")
    s.add_argument("--regimes", help="规则集编号，逗号分隔，如 liaoning-2026,shanghai-2026；默认全部")
    s.add_argument("--as-of", type=parse_date, help="基准日期 YYYY-MM-DD，默认今天")
    s.add_argument("--format", **fmt)
    add_query_options(s)
    s.set_defaults(func=cmd_compare)

    s = sub.add_parser("matrix", help="逐主题对照各规则集的要求及出处")
    s.add_argument("--regimes", help="规则集编号，逗号分隔；默认全部")
    s.add_argument("--topics", help="主题，逗号分隔，如 expert.title,funding.support；默认各规则集涉及的全部主题")
    s.add_argument("--format", choices=["text", "json", "markdown", "html"], default="text")
    s.set_defaults(func=cmd_matrix)

    s = sub.add_parser("diff", help="两个规则集之间的差异（逐主题、逐条规则）")
    s.add_argument("from_id", metavar="FROM", help="原规则集编号，如 shanghai-2022")
    s.add_argument("to_id", metavar="TO", help="新规则集编号，如 shanghai-2026")
    s.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    s.add_argument("--all", action="store_true", help="文本输出中也列出未变的规则")
    s.set_defaults(func=cmd_diff)
