"""Renderers over the plain data of engine.compare: rich text, Markdown and one self-contained HTML page.

Nothing here decides anything: every fact shown comes from the dicts built in engine.compare.
"""

from __future__ import annotations

import functools
import html
from typing import Any

import jinja2
from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.compare.core import show_value, topic_label
from engine.policy.ledger import STATUS_TEXT
from engine.vocabulary import CHANGE_TEXT, KIND_TEXT, NOT_ADDRESSED, VERDICT_TEXT
from engine.vocabulary import SEVERITY_TEXT as MODAL

VERDICT_LABEL = {k: (text, colour.replace("bold ", "")) for k, (text, colour) in VERDICT_TEXT.items()}
CHANGE_LABEL = CHANGE_TEXT
KIND_LABEL = KIND_TEXT


def citation(source: dict[str, str]) -> str:
    return f"{source['document']} {source['clause']}：“{source['quote']}”"


def _cell_style(cell: dict[str, Any]) -> str:
    outcome = cell["outcome"]
    if outcome is None or outcome == "not_applicable":
        return "dim"
    if cell["kind"] == "entitlement":
        return "cyan"
    if outcome == "fail":
        return "bold red" if cell["severity"] == "error" else "magenta"
    return "yellow" if outcome == "missing" else "green"


# ---------------------------------------------------------------- compare

def compare_text(table: dict[str, Any], console: Console) -> None:
    """Verdict per regime, then the topic × regime outcome table with disagreeing rows marked ≠."""
    verdicts = Table(title="各规则集结论", title_justify="left", title_style="bold")
    for col in ("规则集", "结论", "未通过", "缺少事实", "通过", "不适用"):
        verdicts.add_column(col)
    for rid, v in table["verdicts"].items():
        label, style = VERDICT_LABEL[v["verdict"]]
        s = v["summary"]
        # the answer's own headline: a bare 符合条件 would hide the manual checks and advisories it counts
        verdicts.add_row(rid, Text(v.get("verdict_text") or label, style=f"bold {style}"),
                         *(str(s.get(k, 0)) for k in ("fail", "missing", "pass", "not_applicable")))
    console.print(verdicts)
    for rid, v in table["verdicts"].items():
        for note in (v.get("edition_note"), v.get("caveat")):
            if note:
                console.print(f"注意（{rid}）：{note}", markup=False, highlight=False)
    grid = Table(title="逐主题对照（≠ 表示各规则集结果不同）", title_justify="left", title_style="bold", show_lines=True)
    grid.add_column("", width=1)
    grid.add_column("主题", overflow="fold")
    for rid in table["regimes"]:
        grid.add_column(rid, overflow="fold")
    for row in table["rows"]:
        cells = [Text(c["label"], style=_cell_style(c)) for c in (row["cells"][rid] for rid in table["regimes"])]
        mark = Text("≠", style="bold yellow") if row["disagreeing"] else Text("")
        grid.add_row(mark, f"{row['label']}\n[dim]{row['topic']}[/]", *cells,
                     style="on grey15" if row["disagreeing"] else None)
    console.print(grid)
    disagreeing = sum(1 for r in table["rows"] if r["disagreeing"])
    console.print(f"共 {len(table['rows'])} 个主题，其中 {disagreeing} 个主题各规则集结果不同。")


# ---------------------------------------------------------------- matrix

def _rule_lines(rule: dict[str, Any]) -> tuple[str, str]:
    return rule["requirement"], citation(rule["source"])


def matrix_text(data: dict[str, Any], console: Console) -> None:
    table = Table(title="各规则集要求对照", title_justify="left", title_style="bold", show_lines=True)
    table.add_column("主题", overflow="fold", max_width=14)
    for regime in data["regimes"]:
        table.add_column(f"{regime['id']}\n{regime['region_name']} {regime['edition']}", overflow="fold")
    for row in data["rows"]:
        cells = []
        for regime in data["regimes"]:
            cell = row["cells"][regime["id"]]
            if not cell["addressed"]:
                cells.append(Text(NOT_ADDRESSED, style="dim italic"))
                continue
            text = Text()
            for n, rule in enumerate(cell["rules"]):
                requirement, cite = _rule_lines(rule)
                text.append(("\n" if n else "") + requirement, style="bold")
                text.append("\n" + cite, style="dim")
            cells.append(text)
        table.add_row(f"{row['label']}\n[dim]{row['topic']}[/]", *cells)
    console.print(table)


def _md(text: str) -> str:
    """One Markdown table cell: pipes escaped, line breaks as <br>, HTML-significant characters escaped."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", "<br>")


def matrix_markdown(data: dict[str, Any]) -> str:
    lines = ["# 各规则集要求对照", ""]
    lines += [f"- **{r['id']}**：{_md(r['title'])}（版本 {r['version']}）" for r in data["regimes"]]
    lines += ["", "| 主题 | " + " | ".join(r["id"] for r in data["regimes"]) + " |",
              "|---|" + "---|" * len(data["regimes"])]
    for row in data["rows"]:
        cells = []
        for regime in data["regimes"]:
            cell = row["cells"][regime["id"]]
            parts = [f"**{_md(r['requirement'])}**<br>{_md(citation(r['source']))}" for r in cell["rules"]]
            cells.append("<br><br>".join(parts) if parts else f"*{NOT_ADDRESSED}*")
        lines.append(f"| {_md(row['label'])}<br>`{row['topic']}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


TABLE_CSS = """
*{box-sizing:border-box}
body{margin:0;padding:1rem;font:15px/1.6 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
color:#1f2328;background:#fff}
h1{font-size:1.35rem;margin:.2rem 0 .6rem}
.regimes{margin:0 0 1rem;padding-left:1.2rem;font-size:.9rem}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #d0d7de;padding:.5rem;vertical-align:top;text-align:left}
thead th{background:#f6f8fa;position:sticky;top:0}
tbody th{background:#fbfbfc;min-width:7rem}
.code{display:block;color:#656d76;font:400 .75rem ui-monospace,monospace}
.rule{margin:0 0 .6rem}
.rule:last-child{margin-bottom:0}
.req{font-weight:600}
.cite{display:block;color:#57606a;font-size:.82rem}
.none{color:#8c959f;font-style:italic}
.sev{display:inline-block;font-size:.72rem;padding:0 .35rem;border-radius:.6rem;margin-left:.25rem;color:#fff}
.sev-error{background:#cf222e}.sev-warning{background:#9a6700}.sev-info{background:#0969da}.sev-entitlement{background:#1a7f37}
footer{margin-top:1rem;color:#656d76;font-size:.8rem}
@media (max-width:760px){
 body{padding:.6rem}
 table,tbody,tr,th,td{display:block;width:100%}
 thead{display:none}
 tr{margin:0 0 1rem;border:1px solid #d0d7de;border-radius:6px;overflow:hidden}
 th,td{border:0;border-top:1px solid #eaeef2}
 tbody th{background:#f6f8fa;font-size:1.05rem}
 td::before{content:attr(data-label);display:block;font-weight:700;color:#0969da;font-size:.85rem}
}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


SOURCE_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;line-height:1.6}
ol.source{list-style:none;padding:0} .sentence{padding:.3rem .5rem;border-left:4px solid #ccc;margin:.2rem 0}
.line{color:#888;margin-right:.5rem;font-size:.8em;text-decoration:none} .how{display:block;font-size:.85em}
.st{display:inline-block;padding:0 .4rem;border-radius:.3rem;margin-right:.3rem;font-size:.85em}
.st-encoded{background:#e3f4e8;border-color:#2e7d32} .st-manual{background:#e6eefc;border-color:#1565c0}
.st-not_for_applicants{background:#f1f1f1;border-color:#9e9e9e} .st-context{background:#fafafa;border-color:#ddd}
.st-missing{background:#fde8e8;border-color:#c62828} .note{color:#555} :target{outline:2px solid #f9a825}
dt{font-weight:600;margin-top:.6rem} code{word-break:break-all}
"""


def template_globals() -> dict[str, Any]:
    """What the templates of engine/compare/templates need, for this module and the web pages."""
    return {"SEVERITY_TEXT": MODAL, "KIND_TEXT": KIND_TEXT, "NOT_ADDRESSED": NOT_ADDRESSED, "citation": citation,
            "TABLE_CSS": TABLE_CSS, "SOURCE_CSS": SOURCE_CSS, "STATUS_TEXT": STATUS_TEXT}


@functools.cache
def _templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("engine.compare", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(template_globals())
    return env


def source_html(regime: Any, data: dict[str, Any]) -> str:
    """The notice as one self-contained page: each ledger sentence marked by status and linked to its rules."""
    return _templates().get_template("source_page.html").render(regime=regime, data=data)


def matrix_html(data: dict[str, Any]) -> str:
    """One self-contained page (inline CSS, no scripts or external assets) that reads on a phone."""
    return _templates().get_template("matrix_page.html").render(data=data)


# ---------------------------------------------------------------- diff

def _show_param(value: Any) -> str:
    return "（无）" if value is None else show_value(value)


def change_details(entry: dict[str, Any]) -> list[str]:
    """Human lines for one rule entry of a diff: what was added, removed or changed."""
    if entry["change"] == "added":
        return [f"新增：{entry['to']['requirement']}"]
    if entry["change"] == "removed":
        return [f"删除：{entry['from']['requirement']}"]
    changes = entry.get("changes", {})
    lines = [f"参数 {name}：{_show_param(v['from'])} → {_show_param(v['to'])}"
             for name, v in changes.get("params", {}).items()]
    if "severity" in changes:
        lines.append(f"性质：{MODAL[changes['severity']['from']]} → {MODAL[changes['severity']['to']]}")
    if "kind" in changes:
        lines.append(f"类型：{KIND_LABEL[changes['kind']['from']]} → {KIND_LABEL[changes['kind']['to']]}")
    if "requirement" in changes:
        lines.append(f"要求：{changes['requirement']['from']} → {changes['requirement']['to']}")
    if "title" in changes:
        lines.append(f"标题：{changes['title']['from']} → {changes['title']['to']}")
    if "message" in changes:
        lines.append("提示语已调整")
    if "source" in changes:
        lines.append("出处已调整")
    return lines or ["未变"]


def rule_name(entry: dict[str, Any]) -> str:
    old, new = entry["from"], entry["to"]
    if old and new and old["local_id"] != new["local_id"]:
        return f"{old['local_id']} → {new['local_id']}"
    return (new or old)["local_id"]


def _citations(entry: dict[str, Any]) -> list[str]:
    out = []
    if entry["from"]:
        out.append(f"原：{citation(entry['from']['source'])}")
    if entry["to"]:
        out.append(f"新：{citation(entry['to']['source'])}")
    return out


def _topic_list(topics: list[str]) -> str:
    return "、".join(f"{topic_label(t)}（{t}）" for t in topics) or "无"


def diff_text(data: dict[str, Any], console: Console, show_unchanged: bool = False) -> None:
    console.print(Text.assemble(("规则集差异：", "bold"), (data["from"], "bold cyan"), " → ", (data["to"], "bold cyan")))
    for key, label, style in (("added", "新增主题", "green"), ("removed", "删除主题", "red"), ("changed", "修改主题", "yellow")):
        console.print(Text.assemble((f"{label}：", f"bold {style}"), _topic_list(data["topics"][key])))
    table = Table(title="逐条规则", title_justify="left", title_style="bold", show_lines=True)
    for col, ratio in (("主题", 2), ("变化", 1), ("规则", 2), ("内容", 5), ("出处（原 / 新）", 5)):
        table.add_column(col, overflow="fold", ratio=ratio)
    styles = {"added": "green", "removed": "red", "changed": "yellow", "reworded": "dim", "unchanged": "dim"}
    for entry in data["rules"]:
        if entry["change"] == "unchanged" and not show_unchanged:
            continue
        table.add_row(f"{entry['topic_label']}\n[dim]{entry['topic']}[/]",
                      Text(CHANGE_LABEL[entry["change"]], style=styles[entry["change"]]), rule_name(entry),
                      "\n".join(change_details(entry)), "\n".join(_citations(entry)))
    console.print(table)
    s = data["summary"]
    console.print("合计：" + "，".join(f"{CHANGE_LABEL[k]} {s[k]} 条" for k in CHANGE_LABEL))


def diff_markdown(data: dict[str, Any]) -> str:
    lines = [f"# 规则集差异：{data['from']} → {data['to']}", ""]
    for key, label in (("added", "新增主题"), ("removed", "删除主题"), ("changed", "修改主题")):
        lines.append(f"- **{label}**：{_md(_topic_list(data['topics'][key]))}")
    lines += ["", "| 主题 | 变化 | 规则 | 内容 | 出处（原 / 新） |", "|---|---|---|---|---|"]
    for entry in data["rules"]:
        if entry["change"] == "unchanged":
            continue
        lines.append(f"| {_md(entry['topic_label'])}<br>`{entry['topic']}` | {CHANGE_LABEL[entry['change']]} | "
                     f"`{rule_name(entry)}` | {_md(chr(10).join(change_details(entry)))} | "
                     f"{_md(chr(10).join(_citations(entry)))} |")
    s = data["summary"]
    lines += ["", "合计：" + "，".join(f"{CHANGE_LABEL[k]} {s[k]} 条" for k in CHANGE_LABEL)]
    return "\n".join(lines) + "\n"
