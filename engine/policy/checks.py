"""Checks that look beyond one policy file, lints a schema cannot express, and the new-edition scaffold.

`folder_problems(paths)` is what a reload would refuse and `regimes validate` must report too:
a regime id used by two files, a file whose name, id and edition disagree
(policies/<region>/<edition>.yaml must have id `<region>-<edition>` and `edition: <edition>`),
a new edition whose dates or reviews are still pending, and the lints of `lint_policy`:
a number in a rule's title or message that its parameters contradict, and a year in a title
that is not the edition's.

A new edition (`regimes new-edition`) is marked "to review" in two places, neither of them a schema change:
ledger entries carry `review: true` (the schema allows it), and the rules whose quote is not in the new
text are listed in a sidecar `policies/<region>/review/<edition>.yaml`. Both clear themselves: an entry
stops being reported once its sentence (or quote) is found in the new text.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.documents import yamlio
from engine.policy import ledger
from engine.policy.model import Regime
from engine.policy.validate import MAX_FILE_BYTES, SourceError, read_source, squash
from engine.settings import settings

REVIEW_DIR = "review"
PLACEHOLDER = "【待填】"
EDITION_NAME = re.compile(r"[0-9]{4}")
REGION_NAME = re.compile(r"[a-z]+")


def policy_files(root: Path) -> list[Path]:
    """The policy files of a folder (the same glob as engine.registry.policy_files, which sits above this layer)."""
    return sorted(p for p in root.glob("*/*.yaml") if p.parent.name != "sources")


def review_path(policy_path: Path) -> Path:
    return policy_path.parent / REVIEW_DIR / policy_path.name


def _read(path: Path) -> yamlio.Document | None:
    try:
        doc = yamlio.load(yamlio.read_text(path, MAX_FILE_BYTES))
    except (yamlio.YamlError, ValueError, RecursionError):
        return None  # the per-file validation reports it
    return doc if isinstance(doc.data, dict) else None


def _list(value: Any) -> list[Any]:
    """A list the file is meant to hold here, or nothing (the schema check names what is wrong)."""
    return value if isinstance(value, list) else []


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _show(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- folder checks

def folder_problems(paths: list[Path], root: Path | None = None) -> list[str]:
    """Problems of `paths` seen against the whole policies folder (default REGIMES_POLICIES), as
    `file:line:col: message` lines. A path outside the folder is a candidate: it is linted and its
    reviews are checked, but it may share an id with an edition it is meant to replace."""
    root = root or settings().policies
    root_r = _resolve(root)
    given = [(p, _read(p)) for p in paths]
    known: dict[Path, tuple[Path, yamlio.Document | None]] = {_resolve(p): (p, d) for p, d in given}
    for p in policy_files(root) if root.is_dir() else []:
        if _resolve(p) not in known:
            known[_resolve(p)] = (p, _read(p))
    out: list[str] = []
    for path, doc in given:
        if doc is None:
            continue
        in_folder = _resolve(path).parent.parent == root_r
        name_ok = True
        if in_folder or (EDITION_NAME.fullmatch(path.stem) and REGION_NAME.fullmatch(path.parent.name)):
            found = _name_problems(path, doc)
            name_ok = not found
            out += found
        if in_folder:
            out += _duplicates(path, doc, known, name_ok)
        out += review_problems(path, doc)
        out += lint_policy(doc.data, doc, str(path))
    return out


def _at(filename: str, doc: yamlio.Document, where: yamlio.Path, message: str) -> str:
    line, col = doc.position(where)
    return f"{filename}:{line}:{col}: {message}"


def _name_problems(path: Path, doc: yamlio.Document) -> list[str]:
    data, name = doc.data, str(path)
    region, stem = path.parent.name, path.stem
    if not EDITION_NAME.fullmatch(stem):
        return [f"{name}:1:1: 规则文件名须为 <版本年>.yaml（如 {region}/2027.yaml），编号为 <地区>-<版本年>"]
    expected = f"{region}-{stem}"
    out = []
    if data.get("id") != expected:
        out.append(_at(name, doc, ("id",), f"规则集编号 {data.get('id')} 与文件名不符：{region}/{stem}.yaml 的编号应为 "
                                            f"{expected}（文件 <地区>/<版本年>.yaml ↔ id <地区>-<版本年> ↔ edition <版本年>）"))
    if data.get("edition") != int(stem):
        out.append(_at(name, doc, ("edition",), f"edition {data.get('edition')} 与文件名 {stem}.yaml 不符：应为 {stem}"))
    if data.get("region") != region:
        out.append(_at(name, doc, ("region",), f"region {data.get('region')} 与所在文件夹 {region}/ 不符"))
    return out


def _duplicates(path: Path, doc: yamlio.Document, known: dict[Path, tuple[Path, yamlio.Document | None]],
                name_ok: bool) -> list[str]:
    """Same id in two files of the folder; reported on the file whose name does not match its id
    (the copy), or on every file when neither name tells which one is meant."""
    rid = doc.data.get("id")
    me = _resolve(path)
    others = [p for r, (p, d) in known.items() if r != me and d is not None and d.data.get("id") == rid]
    if not others or name_ok:
        return []
    names = "、".join(_show(p) for p in sorted(others))
    return [_at(str(path), doc, ("id",), f"规则集编号 {rid} 与 {names} 重复：{_show(path)} 和 {names} 不能用同一编号"
                                         "（重新加载会拒绝）；新版本的编号应为 <地区>-<版本年>")]


# ---------------------------------------------------------------- reviews of a new edition

def review_problems(path: Path, doc: yamlio.Document) -> list[str]:
    """Dates still the scaffold's placeholder; ledger entries and rules still to review against the new text."""
    data, name = doc.data, str(path)
    out = []
    if PLACEHOLDER in str(data.get("date_note") or ""):
        out.append(_at(name, doc, ("date_note",), "日期待填：date_note 仍是 regimes new-edition 的占位；"
                                                 "按新通知填写发布日期、生效日期和 documents 的文号、日期，再改写 date_note"))
    try:
        source = read_source(path.parent, str(data.get("source_text") or ""))
    except SourceError:
        return out  # validation names the missing source
    keys = {s.key for s in ledger.sentences(source)}
    squashed = squash(source)
    for i, c in enumerate(_list(data.get("clauses"))):
        if isinstance(c, dict) and c.get("review") and ledger.sentence_key(str(c.get("sentence", ""))) not in keys:
            out.append(_at(name, doc, ("clauses", i, "review"), "条文台账待核对（review: true）：该句在新原文中找不到；"
                                                               "改为新原文中的句子、核对状态与规则，或删去该条"))
    sidecar = review_path(path)
    if not sidecar.is_file():
        return out
    side = _read(sidecar)
    pending = side.data.get("rules") if side is not None else None
    if not isinstance(pending, list):
        return out + [f"{sidecar}:1:1: 待核对清单无法读取：应为 rules: [{{id: 规则编号, quote: 旧引文}}, …]"]
    rules = _list(data.get("rules"))
    index = {r["id"]: i for i, r in enumerate(rules) if isinstance(r, dict) and isinstance(r.get("id"), str)}
    for item in pending:
        rid = item.get("id") if isinstance(item, dict) else item
        at = index.get(rid) if isinstance(rid, str) else None
        if at is None:
            continue  # the rule was removed: nothing left to review
        source = rules[at].get("source")
        quote = str(source.get("quote") or "") if isinstance(source, dict) else ""
        if not quote or squash(quote) not in squashed:
            out.append(_at(name, doc, ("rules", at, "source", "quote"),
                           f"规则 {rid} 待核对（{_show(sidecar)}）：引文在新原文中找不到；按新通知核对 params、title、"
                           "message 并改写 source.quote，或删除该规则"))
    return out


# ---------------------------------------------------------------- lints

_FIELD = re.compile(r"\{[^{}]*\}")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_YMD = re.compile(r"(?<!\d)(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号]|(底|末))")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?=\s*年)|[（(〔\[【](\d{4})[）)〕\]】]")
_UNITS = "万元|个工作日|工作日|个月|人次|小时|学时|元|个|天|日|人|名|项|场|次|字|岁|%|％|批|周"
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?:\s*[-—–~～至到]\s*(\d+(?:\.\d+)?))?\s*(" + _UNITS + ")")


@dataclass
class _Mentions:
    years: list[int] = field(default_factory=list)
    dates: list[tuple[int | None, int, int | None, str]] = field(default_factory=list)  # (year, month, day, text)
    numbers: list[tuple[float, str, str]] = field(default_factory=list)  # (value, unit, text)


def _mentions(text: str) -> _Mentions:
    """Years, dates and numbers-with-units written in a title or message (template fields left out)."""
    out = _Mentions()
    text = _FIELD.sub(" ", text)

    def blank(m: re.Match[str]) -> str:
        return " " * len(m.group(0))

    for m in _ISO.finditer(text):
        out.years.append(int(m.group(1)))
        out.dates.append((int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(0)))
    text = _ISO.sub(blank, text)
    for m in _YMD.finditer(text):
        year = int(m.group(1)) if m.group(1) else None
        if year:
            out.years.append(year)
        out.dates.append((year, int(m.group(2)), int(m.group(3)) if m.group(3) else None, m.group(0)))
    text = _YMD.sub(blank, text)
    for m in _YEAR.finditer(text):
        out.years.append(int(m.group(1) or m.group(2)))
    text = _YEAR.sub(blank, text)
    for m in _NUMBER.finditer(text):
        for value in (m.group(1), m.group(2)):
            if value is not None:
                out.numbers.append((float(value), m.group(3), m.group(0)))
    return out


def _values(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        for v in node.values():
            yield from _values(v)
    elif isinstance(node, list):
        for v in node:
            yield from _values(v)
    else:
        yield node


def _rule_numbers(raw: dict[str, Any]) -> tuple[list[float], list[dt.date]]:
    """Every number and date the rule's parameters and conditions hold."""
    numbers: list[float] = []
    dates: list[dt.date] = []
    for key in ("params", "when", "check", "due"):
        for v in _values(raw.get(key)):
            if isinstance(v, bool):
                continue
            if isinstance(v, int | float):
                try:
                    numbers.append(float(v))
                except OverflowError:  # an integer too large for a float matches no written number anyway
                    pass
            elif isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                try:
                    dates.append(dt.date.fromisoformat(v))
                except ValueError:
                    pass
    return numbers, dates


def _params_text(raw: dict[str, Any]) -> str:
    params = raw.get("params")
    if not isinstance(params, dict):
        params = {}
    shown = [f"{k} = {v}" for k, v in params.items() if not isinstance(v, list | dict)]
    return "；".join(shown) or "条件中的数值"


def _number_ok(value: float, unit: str, numbers: list[float]) -> bool:
    scaled = [value]
    if unit == "万元":
        scaled.append(value * 10000)
    if unit in ("%", "％"):
        scaled.append(value / 100)
    return any(abs(s - n) < 1e-9 for s in scaled for n in numbers)


def _date_ok(mention: tuple[int | None, int, int | None, str], dates: list[dt.date]) -> bool:
    year, month, day, _ = mention
    for d in dates:
        last = calendar.monthrange(d.year, d.month)[1]
        if d.month == month and (year is None or d.year == year) and (d.day == day or (day is None and d.day == last)):
            return True
    return False


def lint_policy(data: dict[str, Any], doc: yamlio.Document, filename: str) -> list[str]:
    """Lints over a policy's data (positions from `doc`): see the module docstring."""
    out: list[str] = []
    edition = data.get("edition")
    if not isinstance(edition, int):
        return out
    for year in _mentions(str(data.get("title") or "")).years:
        if year != edition:
            out.append(_at(filename, doc, ("title",), f"标题中的年份 {year} 与版本年 {edition} 不一致"))
            break
    for i, raw in enumerate(_list(data.get("rules"))):
        if not isinstance(raw, dict):
            continue
        numbers, dates = _rule_numbers(raw)
        year_params = {int(n) for n in numbers if n.is_integer() and 2000 <= n <= 2100}
        for key in ("title", "message"):
            text = raw.get(key)
            if not isinstance(text, str):
                continue
            found = _mentions(text)
            where = ("rules", i, key)
            if key == "title":
                for year in found.years:
                    if year != edition and year not in year_params:
                        out.append(_at(filename, doc, where, f"规则 {raw.get('id')} 的标题中的年份 {year} 与版本年 {edition} "
                                                             "不一致（上一版本的年份？）"))
                        break
            for date in found.dates:
                if dates and not _date_ok(date, dates):
                    shown = "、".join(d.isoformat() for d in dates)
                    out.append(_at(filename, doc, where, f"规则 {raw.get('id')} 的 {key} 写着“{date[3].strip()}”，"
                                                         f"参数中的日期却是 {shown}"))
                    break
            for value, unit, snippet in found.numbers:
                if numbers and not _number_ok(value, unit, numbers):
                    out.append(_at(filename, doc, where, f"规则 {raw.get('id')} 的 {key} 写着“{snippet.strip()}”，"
                                                         f"与参数不符（{_params_text(raw)}）"))
                    break
    return out


def rule_lints(regime: Regime) -> list[str]:
    """`lint_policy` for a loaded regime (positions from its file when it can still be read)."""
    doc = _read(Path(regime.path)) if regime.path and not regime.path.startswith("<") else None
    if doc is None or doc.data != regime.data:
        positions: dict[yamlio.Path, tuple[int, int]] = {("rules", i): (r.line, 1) for i, r in enumerate(regime.rules)}
        doc = yamlio.Document(regime.data, positions)
    return lint_policy(regime.data, doc, regime.path or regime.id)


# ---------------------------------------------------------------- new edition

@dataclass
class Scaffold:
    """The files of a new edition, as text, and what was marked for review."""
    policy: str
    review: str
    cases: str | None
    rules_total: int
    rules_pending: list[dict[str, str]]
    clauses_total: int
    clauses_pending: int
    rewritten: bool  # True when the old file's layout could not be kept (comments lost)


def placeholder_note(year: int) -> str:
    return (f"{PLACEHOLDER}regimes new-edition 生成的占位：issued 与 effective_from 为 null（{year} 年的新版本）。"
            "请按新通知填写发布日期（issued）、生效日期（effective_from）以及 documents 的文号和日期，然后改写本说明。")


def scaffold(old_text: str, old_data: dict[str, Any], region: str, year: int, new_source: str,
             old_cases: str | None = None) -> Scaffold:
    """The new edition's policy text from the latest edition's, keeping its comments and layout where possible."""
    new_id = f"{region}-{year}"
    squashed = squash(new_source)
    keys = {s.key for s in ledger.sentences(new_source)}
    pending = [{"id": r["id"], "title": r.get("title", ""), "quote": r["source"]["quote"]}
               for r in old_data["rules"] if squash(r["source"]["quote"]) not in squashed]
    review_idx = [i for i, c in enumerate(old_data.get("clauses") or [])
                  if "review" not in c and ledger.sentence_key(c["sentence"]) not in keys]
    # effective_from null fails the schema: a draft can be neither loaded nor selected by date until it is filled
    top = {"id": new_id, "edition": year, "issued": None, "effective_from": None, "version": "0.1.0",
           "source_text": f"../sources/{new_id}.txt", "date_note": placeholder_note(year)}
    expected = copy.deepcopy(old_data)
    expected.update(top)
    for i in review_idx:
        expected["clauses"][i]["review"] = True
    doc = yamlio.load(old_text)
    text = _edit(old_text, doc, top, review_idx)
    rewritten = False
    try:
        ok = yamlio.load(text).data == expected
    except yamlio.YamlError:
        ok = False
    if not ok:  # an unusual layout: write the data plainly rather than risk a wrong edit
        text = "# yaml-language-server: $schema=../../engine/policy/policy.schema.json\n" + \
            yaml.safe_dump(expected, allow_unicode=True, sort_keys=False, width=200)
        rewritten = True
    review = (f"# {new_id} 待核对的规则：引文在新原文中找不到（regimes new-edition 依据 {old_data['id']} 生成）。\n"
              "# 按新通知核对每条规则的 params、title、message 并改写 source.quote；引文能在新原文中找到后自动视为已核对。\n"
              + yaml.safe_dump({"regime": new_id, "from": old_data["id"], "rules": pending},
                               allow_unicode=True, sort_keys=False, width=200))
    return Scaffold(text, review, _cases_copy(old_cases, old_data["id"], new_id) if old_cases else None,
                    len(old_data["rules"]), pending, len(old_data.get("clauses") or []), len(review_idx), rewritten)


def _entry_span(lines: list[str], key: str) -> tuple[int, int] | None:
    """Lines [start, end) of a top-level `key:` entry, continuation lines included."""
    for i, line in enumerate(lines):
        if line.startswith(f"{key}:"):
            end = i + 1
            while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t")):
                end += 1
            while end > i + 1 and not lines[end - 1].strip():
                end -= 1
            return i, end
    return None


def _edit(text: str, doc: yamlio.Document, top: dict[str, Any], review_idx: list[int]) -> str:
    lines = text.split("\n")
    # review markers first, bottom-up, so earlier positions stay valid
    for i in sorted(review_idx, key=lambda i: doc.position(("clauses", i)), reverse=True):
        line, col = doc.position(("clauses", i))
        row = lines[line - 1]
        at = col - 1
        if row[at:at + 1] == "{":
            lines[line - 1] = row[:at + 1] + "review: true, " + row[at + 1:]
        else:
            lines[line - 1] = row[:at] + "review: true"
            lines.insert(line, " " * at + row[at:])
    for key, value in top.items():
        shown = "null" if value is None else json.dumps(value, ensure_ascii=False) if key == "date_note" else str(value)
        span = _entry_span(lines, key)
        if span is None:
            after = _entry_span(lines, "effective_from")
            if after is None:
                continue
            lines.insert(after[1], f"{key}: {shown}")
        else:
            lines[span[0]:span[1]] = [f"{key}: {shown}"]
    return "\n".join(lines)


def _cases_copy(old: str, old_id: str, new_id: str) -> str:
    """The previous edition's cases for the new one: examples stay the old regime's (`base: <old id>/<name>`)."""
    def qualify(m: re.Match[str]) -> str:
        return f"{m.group(1)}{old_id}/{m.group(2)}{m.group(3)}"

    text = re.sub(r"(?m)^(\s*(?:-\s+)?base:\s*)([A-Za-z0-9_-]+)(\s*(?:#.*)?)$", qualify, old)
    text = re.sub(r"(?m)^regime:.*$", f"regime: {new_id}", text)
    header = (f"# {new_id} 的测试用例：复制自 {old_id}，须逐条核对 as_of、事实与期望结果（regimes test {new_id}）。\n")
    return header + text
