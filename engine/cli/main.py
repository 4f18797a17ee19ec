"""The `regimes` command line (CONTRACT.md). Bad input is one message on stderr, never a traceback."""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import sys
from pathlib import Path
from typing import Any

from rich.table import Table

from engine.backends import CompileError, get_backend
from engine.cli import audit as cli_audit
from engine.cli import compare as cli_compare
from engine.cli import ledger as cli_ledger
from engine.cli import policytools as cli_policytools
from engine.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_INVALID_POLICY,
    VERDICT_EXIT,
    BadInput,
    Parser,
    add_query_options,
    chosen_regime,
    load_facts,
    load_registry,
    make_console,
    parse_date,
    print_json,
    render_result,
)
from engine.errors import QueryError
from engine.evaluate import evaluate
from engine.facts import FactsError
from engine.policy.checks import folder_problems
from engine.policy.coverage import gaps, load
from engine.policy.validate import PolicyError, load_regime_file
from engine.registry import SelectionError, policies_dir, policy_files
from engine.settings import configure_logging
from engine.vocabulary import KIND_TEXT, SEVERITY_TEXT, STAGE_TEXT

# ---------------------------------------------------------------- commands

def cmd_list(args: argparse.Namespace) -> int:
    reg = load_registry()
    rows = [r.summary() for r in sorted(reg.regimes.values(), key=lambda r: (r.region, r.effective_from))]
    if args.format == "json":
        print_json(rows)
        return 0
    table = Table(title="规则集", show_lines=False)
    for col in ("编号", "地区", "版本年", "标题", "文号", "发布日期", "类型", "规则数", "版本", "内容哈希"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["id"], r["region_name"], str(r["edition"]), r["title"], "；".join(r["document_numbers"]) or "—",
                      r["issued"] or "未载明", r["kind"], str(r["rule_count"]), r["version"], r["hash"][:19] + "…")
    make_console().print(table)
    return 0


def format_params(params: dict[str, Any]) -> str:
    def show(v: Any) -> str:
        return "、".join(map(str, v)) if isinstance(v, list) else str(v)
    return "；".join(f"{k} = {show(v)}" for k, v in params.items()) or "—"


def cmd_show(args: argparse.Namespace) -> int:
    regime = load_registry().get(args.id)
    if args.format == "json":
        out = regime.summary()
        out["rules"] = [{
            "id": r.id, "title": r.title, "topic": r.topic, "subject": r.subject, "each": r.each,
            "kind": r.kind, "severity": r.severity, "params": r.params, "message": r.message,
            "source": r.source.as_dict(), "stage": r.stage, "reading": r.reading or None,
            "due": {"fact": ".".join(r.due.fact), "what": r.due.what} if r.due else None,
        } for r in regime.rules]
        print_json(out)
        return 0
    console = make_console()
    console.print(f"[bold]{regime.id}[/]  {regime.title}  版本 {regime.version}  {regime.hash}")
    table = Table(show_lines=True)
    for col in ("规则", "主题", "对象", "性质", "参数", "出处"):
        table.add_column(col, overflow="fold")
    for r in regime.rules:
        nature = f"{KIND_TEXT[r.kind]}·{SEVERITY_TEXT[r.severity]}" if r.kind == "requirement" else "权益"
        nature += f"\n{STAGE_TEXT[r.stage]}"
        table.add_row(f"{r.local_id}\n{r.title}", r.topic, r.subject + (f"·{r.each}" if r.each else ""), nature,
                      format_params(r.params), f"{r.source.document} {r.source.clause}\n“{r.source.quote}”"
                      + (f"\n解读：{r.reading}" if r.reading else ""))
    console.print(table)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    facts = load_facts(args.facts)
    regime, as_of, note = chosen_regime(args)  # one registry load: compiling every policy takes ≈ 0.3 s
    result = evaluate(regime, facts, as_of, engine=args.engine, stage=args.stage, judge=args.judge)
    if note:
        result["edition_note"] = note
    if args.format == "json":
        print_json(result)
    else:
        render_result(result, make_console())
    return VERDICT_EXIT[result["verdict"]]


def cmd_coverage(path: Path, regimes: list) -> int:
    if not path.exists():
        raise BadInput(f"找不到覆盖率记录 {path}：请先运行 make test（测试会写出该文件）")
    try:
        seen = load(path)
    except (ValueError, AttributeError, OSError):
        raise BadInput(f"覆盖率记录 {path} 无法读取或已损坏：请重新运行 make test") from None
    missing = gaps(seen, regimes)
    table = Table(title="规则覆盖（测试中出现过的结果）")
    for col in ("规则集", "规则数", "通过与不通过均已覆盖", "缺少"):
        table.add_column(col, overflow="fold")
    for regime in regimes:
        lacking = {k: v for k, v in missing.items() if k.startswith(regime.id + "/")}
        table.add_row(regime.id, str(len(regime.rules)), str(len(regime.rules) - len(lacking)),
                      "\n".join(f"{k.split('/')[1]}: {', '.join(v)}" for k, v in lacking.items()) or "—")
    make_console().print(table)
    return EXIT_INVALID_POLICY if missing else 0


def cmd_validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or policy_files(policies_dir())
    if not paths:
        raise BadInput(f"{policies_dir()} 下没有规则文件")
    errors: list[str] = []
    ok = []
    for path in paths:
        try:
            regime = load_regime_file(path)
            get_backend().prepare(regime)
            ok.append(regime)
        except PolicyError as exc:
            errors.extend(exc.errors)
        except CompileError as exc:
            errors.append(f"{path}:1:1: {exc}")
    errors.extend(folder_problems(paths))  # what a reload would refuse: duplicate ids, file name ↔ id ↔ edition, lints
    for line in errors:
        print(line, file=sys.stderr)
    for regime in ok:
        print(f"✓ {regime.path}: {regime.id} 版本 {regime.version}，{len(regime.rules)} 条规则，{regime.hash}")
    if errors:
        print(f"✗ {len(errors)} 个问题", file=sys.stderr)
        return EXIT_INVALID_POLICY
    if args.coverage:
        return cmd_coverage(Path(args.coverage), ok)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise BadInput("--workers 应为正整数")
    if args.workers > 1:
        # our own supervisor (service/workers.py), not uvicorn's: a socket per worker with SO_REUSEPORT and
        # TCP_NODELAY, restarts, and reloads that reach every worker. Named by string: the CLI starts the
        # service, it never imports it.
        workers = importlib.import_module("service.workers")
        return int(workers.serve(args.host, args.port, args.workers, args.log_level, args.access_log))
    import uvicorn

    # one process: uvicorn binds from host/port itself, and asyncio sets TCP_NODELAY on those connections
    uvicorn.run("service.app:app", host=args.host, port=args.port, log_level=args.log_level,
                access_log=args.access_log)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="regimes", description="专家服务基层政策规则：校验、判定、比较")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    fmt: dict[str, Any] = {"choices": ["text", "json"], "default": "text"}

    s = sub.add_parser("list", help="列出所有规则集")
    s.add_argument("--format", **fmt)
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("show", help="显示一个规则集的全部规则")
    s.add_argument("id")
    s.add_argument("--format", **fmt)
    s.set_defaults(func=cmd_show)

    s = sub.add_parser("check", help="用一个规则集判定事实文件")
    s.add_argument("facts", help="YAML 或 JSON 事实文件；- 表示标准输入")
    group = s.add_mutually_exclusive_group()
    group.add_argument("--regime", help="规则集编号，如 liaoning-2026")
    group.add_argument("--region", help="地区，如 shanghai 或 上海；按 --as-of 选择版本")
    s.add_argument("--as-of", type=parse_date, help="基准日期 YYYY-MM-DD，默认今天")
    s.add_argument("--format", **fmt)
    s.add_argument("--engine", choices=["durable", "reference"], default="durable", help="求值引擎")
    add_query_options(s)
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("validate", help="校验规则文件（结构、引文、引擎限制）")
    s.add_argument("paths", nargs="*")
    s.add_argument("--coverage", nargs="?", const="test-artifacts/rule-coverage.json", metavar="FILE",
                   help="并报告测试对每条规则的覆盖（读取 make test 写出的记录）")
    s.set_defaults(func=cmd_validate)

    cli_compare.add_commands(sub, fmt)
    cli_audit.add_commands(sub, fmt)
    cli_ledger.add_commands(sub, fmt)
    cli_policytools.add_commands(sub, fmt)

    s = sub.add_parser("serve", help="启动 HTTP 服务")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=1,
                   help="工作进程数；大于 1 时每个进程各自监听（SO_REUSEPORT），重新加载规则会通知全部进程")
    s.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    s.add_argument("--no-access-log", dest="access_log", action="store_false", help="不记录每个请求")
    s.set_defaults(func=cmd_serve)
    return p


class _Output:
    """stdout that survives its reader going away: `regimes check … | head -1` keeps the verdict's exit code,
    and a full disk is one message, not a traceback."""

    def __init__(self, stream: Any):
        self.stream = stream
        self.closed_pipe = False
        self.error: OSError | None = None

    def write(self, text: str) -> int:
        if self.closed_pipe or self.error:
            return len(text)
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            self.closed_pipe = True
        except OSError as exc:
            self.error = exc
        return len(text)

    def flush(self) -> None:
        if self.closed_pipe or self.error:
            return
        try:
            self.stream.flush()
        except BrokenPipeError:
            self.closed_pipe = True
        except OSError as exc:
            self.error = exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def main(argv: list[str] | None = None) -> int:
    configure_logging()
    out = _Output(sys.stdout)
    real, sys.stdout = sys.stdout, out
    try:
        code = _main(argv)
        out.flush()
    finally:
        sys.stdout = real
    if out.closed_pipe:
        with contextlib.suppress(OSError):  # nothing more may reach the closed pipe, not even at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), real.fileno())
    if out.error is not None:
        why = {errno.ENOSPC: "磁盘空间不足", errno.EIO: "输入输出错误"}.get(out.error.errno or 0, "写入失败")
        print(f"无法写出结果：{why}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return code


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except FactsError as exc:
        print("事实文件有误：", file=sys.stderr)
        for line in exc.errors:
            print(f"  {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (SelectionError, BadInput, QueryError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except PolicyError as exc:
        for line in exc.errors:
            print(line, file=sys.stderr)
        return EXIT_INVALID_POLICY
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
