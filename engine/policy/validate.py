"""Validate a policy file and build its Regime: schema, lint, conditions, citations.

Every problem becomes one `file:line:col: message` line; nothing here raises past
`PolicyError`, so the CLI and the service can show the list and carry on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import string
from functools import cache
from importlib import resources
from pathlib import Path as FsPath
from typing import Any

from jsonschema import Draft202012Validator

from engine.documents import yamlio
from engine.documents.schema_errors import schema_messages
from engine.facts import facts_schema
from engine.policy import ledger
from engine.policy.conditions import (
    ConditionError,
    Const,
    FieldInfo,
    Parser,
    Ref,
    canonical_place,
    parse_condition,
    subject_schema,
)
from engine.policy.model import DEFAULT_JUDGEMENTS, Clause, Document, Due, Regime, Rule, Source
from engine.vocabulary import ALL_TOPICS

MAX_RULES = 2000
MAX_FILE_BYTES = 2 * 1024 * 1024


class PolicyError(Exception):
    """A policy that cannot be used; `.errors` holds `file:line:col: message` lines."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@cache
def policy_schema() -> dict:
    text = (resources.files("engine.policy") / "policy.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def content_hash(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


MAX_SOURCE_BYTES = 1024 * 1024


class SourceError(Exception):
    """The notice text a policy names cannot be used; the message names no server path and no file content."""


def read_source(base_dir: FsPath, name: str) -> str:
    """The text of `name`, which must be a regular file inside the `sources/` folder beside the policy's folder
    (policies/<region>/<edition>.yaml → policies/sources/), of bounded size and UTF-8."""
    allowed = (base_dir.parent / "sources").resolve()
    try:
        path = (base_dir / name).resolve()
    except (OSError, RuntimeError, ValueError):
        raise SourceError(f"source_text '{name}' 不是有效的路径") from None
    if not path.is_relative_to(allowed):
        raise SourceError(f"source_text '{name}' 须指向规则目录 sources/ 文件夹中的原文文件（如 ../sources/地区-年份.txt）")
    try:
        if not path.is_file():
            raise SourceError(f"source_text '{name}'：sources/ 中没有这个原文文件")
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise SourceError(f"source_text '{name}'：原文文件过大（超过 {MAX_SOURCE_BYTES // 1024} KiB）")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"source_text '{name}'：原文文件不是 UTF-8 文本") from None
    except OSError:
        raise SourceError(f"source_text '{name}'：无法读取原文文件") from None


class _Collector:
    def __init__(self, filename: str, doc: yamlio.Document):
        self.filename = filename
        self.doc = doc
        self.errors: list[str] = []

    def add(self, path: yamlio.Path, message: str) -> None:
        line, col = self.doc.position(path)
        self.errors.append(f"{self.filename}:{line}:{col}: {message}")


def load_regime_text(text: str, filename: str, base_dir: FsPath | None = None,
                     check_quotes: bool = True) -> Regime:
    """Parse and validate policy YAML text; raise PolicyError listing every problem found."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise PolicyError([f"{filename}: 文件过大（超过 {MAX_FILE_BYTES // 1024} KiB）"])
    try:
        doc = yamlio.load(text)
    except yamlio.YamlError as exc:
        raise PolicyError([exc.at(filename)]) from None
    out = _Collector(filename, doc)
    data = doc.data
    for path, message in schema_messages(Draft202012Validator(
            policy_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER), data):
        out.add(path, message)
    if out.errors:
        raise PolicyError(out.errors)
    if len(data["rules"]) > MAX_RULES:
        raise PolicyError([f"{filename}:1:1: 规则过多（{len(data['rules'])} 条，上限 {MAX_RULES}）"])
    if data.get("issued") is None and not data.get("date_note"):
        out.add(("issued",), "原文未载明发布日期时，须在 date_note 中说明 effective_from 的依据")

    documents = [
        Document(d["short"], d["name"], d.get("number"),
                 dt.date.fromisoformat(d["issued"]) if d.get("issued") else None)
        for d in data["documents"]
    ]
    by_short = {d.short: d for d in documents}
    source_text = None
    raw_source = None
    if check_quotes:
        try:
            raw_source = read_source(base_dir or FsPath("."), data["source_text"])
            source_text = squash(raw_source)
        except SourceError as exc:
            out.add(("source_text",), str(exc))

    schema = facts_schema()
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(data["rules"]):
        where = ("rules", i)
        rid = raw["id"]
        if rid in seen:
            out.add(where + ("id",), f"规则编号 '{rid}' 重复（第 {seen[rid] + 1} 条已使用）")
        seen.setdefault(rid, i)
        if raw["topic"] not in ALL_TOPICS:
            out.add(where + ("topic",), f"未知主题 '{raw['topic']}'：新增主题须登记在 engine/topics.py 并在 "
                                        "policies/README.md 说明理由")
        if raw["source"]["document"] not in by_short:
            out.add(where + ("source", "document"),
                    f"source.document '{raw['source']['document']}' 不在 documents 的简称中"
                    f"（{', '.join(by_short)}）")
        if raw["kind"] == "entitlement" and raw["severity"] != "info":
            out.add(where + ("severity",), "权益（entitlement）规则的 severity 应为 info")
        if raw.get("each") and raw["subject"] != "project":
            out.add(where + ("each",), "each 目前只用于 project 主体下的列表")
        if source_text is not None and squash(raw["source"]["quote"]) not in source_text:
            out.add(where + ("source", "quote"), f"引文在原文 {data['source_text']} 中找不到（已忽略空白）："
                                                  f"{raw['source']['quote'][:40]}")
        params = raw.get("params") or {}
        used: set[str] = set()
        conds = {}
        for key in ("when", "check"):
            if key in raw:
                try:
                    conds[key], names = parse_condition(schema, raw["subject"], raw.get("each"), raw[key],
                                                        params, where + (key,))
                    used |= names
                except ConditionError as exc:
                    out.add(exc.path, exc.message)
        for name in sorted(set(params) - used):
            out.add(where + ("params", name), f"参数 '{name}' 已定义但条件中未使用")
        _check_template(out, where, raw, params, schema)
        _check_modal_words(out, where, raw)
        due = _parse_due(out, where, raw, params, schema)
        if "check" not in conds or ("when" in raw and "when" not in conds):
            continue
        doc_ref = by_short.get(raw["source"]["document"])
        rules.append(Rule(
            id=f"{data['id']}/{rid}", local_id=rid, title=raw.get("title", rid), topic=raw["topic"],
            subject=raw["subject"], each=raw.get("each"), kind=raw["kind"], severity=raw["severity"],
            params=params, when=conds.get("when"), check=conds["check"], message=raw["message"],
            source=Source(_document_label(doc_ref) if doc_ref else raw["source"]["document"],
                          raw["source"]["clause"], raw["source"]["quote"]),
            line=doc.position(where)[0], stage=raw["stage"], reading=raw.get("reading", ""), due=due,
        ))
    clauses = _check_ledger(out, data, raw_source, {r["id"] for r in data["rules"]},
                            _display_source(filename, data["source_text"]))
    if out.errors:
        raise PolicyError(out.errors)
    judgements = {name: {"subjects": tuple(j["subjects"]), "requires": tuple(j["requires"])}
                  for name, j in (data.get("judgements") or DEFAULT_JUDGEMENTS).items()}
    return Regime(
        id=data["id"], region=data["region"], region_name=canonical_place(data["region_name"]),
        edition=data["edition"], title=data["title"], issuer=data["issuer"], documents=documents,
        issued=dt.date.fromisoformat(data["issued"]) if data.get("issued") else None,
        effective_from=dt.date.fromisoformat(data["effective_from"]), kind=data["kind"],
        version=data["version"], source_path=data["source_text"], rules=rules, hash=content_hash(data),
        path=filename, date_note=data.get("date_note", ""), data=data, caveat=data.get("caveat", ""),
        judgements=judgements, clauses=clauses,
    )


# Words a message or title may not add when its quote lacks them (the notice's own modal words only).
ADDED_MODALS = ("必须", "须", "一般应")


def _check_modal_words(out: _Collector, where: yamlio.Path, raw: dict) -> None:
    quote = squash(raw["source"]["quote"])
    if "一般" in quote and raw["severity"] == "error":
        out.add(where + ("severity",), "引文含“一般”，是留有例外的要求：severity 不能为 error（应为 warning）")
    for key in ("message", "title"):
        text = raw.get(key) or ""
        for word in ADDED_MODALS:
            if word in text and word not in quote and not (word == "须" and "必须" in quote):
                out.add(where + (key,), f"{key} 使用了引文中没有的情态词“{word}”：只能用原文的措辞")
                break
    if raw["kind"] == "requirement" and not ledger.Sentence(0, quote).modal_words() and not raw.get("reading"):
        out.add(where + ("severity",), "引文没有情态词，严重程度属于判断：须用 reading 写一句依据")


def _parse_due(out: _Collector, where: yamlio.Path, raw: dict, params: dict, schema: dict) -> Due | None:
    spec = raw.get("due")
    if spec is None:
        return None
    scope = subject_schema(schema, raw["subject"])
    parser = Parser(schema, scope, params, where + ("due",))
    parser._root = scope
    try:
        parts, info = parser.lookup(spec["fact"], ("fact",))
        if info.type != "date":
            raise parser.err(f"due.fact 应为日期字段，'{spec['fact']}' 不是", ("fact",))
        alternatives = spec["by"] if isinstance(spec["by"], list) else [spec["by"]]
        by: list[Const | Ref] = []
        for i, alt in enumerate(alternatives):
            by.append(parser.operand(alt, FieldInfo("date"), ("by", i), "by"))
    except ConditionError as exc:
        out.add(exc.path, exc.message)
        return None
    return Due(parts, tuple(by), spec.get("what") or raw.get("title") or raw["id"])


def _check_ledger(out: _Collector, data: dict, source: str | None, rule_ids: set[str], source_path: str) -> list[Clause]:
    """The `clauses:` entries, checked against the source; every normative sentence must be accounted for."""
    entries = data.get("clauses") or []
    sents = ledger.sentences(source) if source is not None else []
    by_key = {s.key: s for s in sents}
    squashed = squash(source) if source is not None else ""
    clauses: list[Clause] = []
    covered: set[str] = set()
    for i, c in enumerate(entries):
        where: yamlio.Path = ("clauses", i)
        key = ledger.sentence_key(c["sentence"])
        found = by_key.get(key)
        if source is not None and found is None:
            if key and key in squashed:
                out.add(where + ("sentence",), f"sentence 在原文中，但不是一个完整句子（按句号、分号及标题行切分）：{key[:40]}")
            else:
                out.add(where + ("sentence",), f"sentence 在原文中找不到（已忽略空白）：{key[:40]}")
        covered.add(key)
        if c.get("part") and squash(c["part"]) not in key:
            out.add(where + ("part",), f"part 不在该句中：{c['part'][:40]}")
        status = c["status"]
        if status == "encoded":
            if not c.get("rules"):
                out.add(where + ("rules",), "encoded 须列出编码它的规则 rules")
            for rid in c.get("rules") or []:
                if rid not in rule_ids:
                    out.add(where + ("rules",), f"规则 {rid} 不存在")
        elif status == "manual":
            for key_ in ("check", "why", "stage"):
                if not c.get(key_):
                    out.add(where, f"manual 条目须写明 {key_}")
        elif not c.get("why"):
            out.add(where, f"{status} 条目须写明 why（为何不约束申报方 / 为何不是要求）")
        clauses.append(Clause(
            sentence=c["sentence"], status=status, clause=c.get("clause", ""), document=c.get("document", ""),
            part=c.get("part", ""), rules=tuple(c.get("rules") or ()), stage=c.get("stage"),
            subject=c.get("subject"), check=c.get("check", ""), why=c.get("why", ""),
            line=found.line if found else 0))
    if source is not None:
        for s in ledger.normative(source):
            if s.key not in covered:
                out.errors.append(f"{source_path}:{s.line}: 条文台账（clauses）未说明这句规范性语句"
                                  f"（含“{'、'.join(dict.fromkeys(s.modal_words()))}”）：{s.text}")
    return clauses


def _display_source(policy_file: str, source_text: str) -> str:
    """How errors name the source: relative to the policy file as written in it, never an absolute server path."""
    if policy_file.startswith("<"):
        return f"sources/{FsPath(source_text).name}"
    return str(FsPath(policy_file).parent / source_text)


def _document_label(doc: Document) -> str:
    return doc.number or f"《{doc.name}》"


def _check_template(out: _Collector, where: yamlio.Path, raw: dict, params: dict, schema: dict) -> None:
    try:
        parsed = list(string.Formatter().parse(raw["message"]))
        names = [name for _, name, _, _ in parsed if name is not None]
    except ValueError as exc:
        out.add(where + ("message",), f"message 模板格式错误：{exc}（字面花括号请写成 {{{{ 或 }}}}）")
        return
    for _, name, spec, conversion in parsed:
        if name is not None and (spec or conversion is not None or not name or not re.fullmatch(r"[\w.|]+", name)):
            # only {name} and {name|len} / {name|count}: a format spec such as {x:>1000000000} could take gigabytes
            out.add(where + ("message",), f"message 中只能写 {{字段}}、{{参数}}、{{字段|len}}、{{字段|count}}，"
                                          f"不能带格式说明或转换：{{{name}{'!' + conversion if conversion else ''}"
                                          f"{':' + spec if spec else ''}}}")
            return
    scope = subject_schema(schema, raw["subject"])
    if raw.get("each"):
        scope = scope.get("properties", {}).get(raw["each"], {}).get("items", {})
    for clash in sorted(set(params) & set(scope.get("properties", {}))):
        # {name} in a message would show the param, never the applicant's own value
        out.add(where + ("params", clash), f"参数名 '{clash}' 与该主体的字段同名，请改名（如 required_{clash}）")
    for name in names:
        base, _, fn = name.partition("|")
        if fn and fn not in ("len", "count"):
            out.add(where + ("message",), f"message 中未知的过滤器 '|{fn}'（可用 |len、|count）")
        if base in params:
            continue
        node: Any = scope
        ok = True
        for part in base.split("."):
            props = node.get("properties", {}) if isinstance(node, dict) else {}
            if part not in props:
                ok = False
                break
            node = props[part]
            if "$ref" in node:
                node = {}
        if not ok:
            out.add(where + ("message",), f"message 中的 {{{name}}} 既不是参数也不是该主体的字段")


def load_regime_file(path: str | FsPath, check_quotes: bool = True) -> Regime:
    path = FsPath(path)
    try:
        text = yamlio.read_text(path, MAX_FILE_BYTES)
    except yamlio.YamlError as err:
        raise PolicyError([err.at(str(path))]) from None
    return load_regime_text(text, str(path), path.parent, check_quotes)
