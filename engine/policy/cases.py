"""Policy tests as data: the cases beside each policy, and what differs when they are run.

A policy `policies/<region>/<edition>.yaml` has its cases in `policies/<region>/tests/<edition>.yaml`
(a subfolder, so the registry's `*/*.yaml` never mistakes them for a policy):

    cases:
      - name: 市级服务团申请12万元超过上限
        base: compliant                  # examples/<regime>/compliant.yaml; or <regime>/<name>; or a file path
        set: {project.budget.requested_support_wan: 12}
        delete: [project.content_text]
        as_of: 2026-02-01
        stage: application               # default application
        judge: application               # default application
        expect:
          verdict: ineligible
          rules: {funding-support-municipal: fail, expert-title: {E2: fail}}
          topics: {funding.support: fail}

This module only reads and checks cases; running them needs an evaluator (engine.evaluate sits above
engine.policy), which the caller passes in.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from engine.documents import yamlio
from engine.documents.schema_errors import schema_messages
from engine.facts import FactsError, load_facts_file, validate_facts
from engine.policy.model import JUDGEMENTS, STAGES, Regime
from engine.settings import shipped_policies
from engine.vocabulary import OUTCOME_TEXT, VERDICT_TEXT

CASES_DIR = "tests"
MAX_CASE_BYTES = 2 * 1024 * 1024
OUTCOMES = ("pass", "fail", "missing", "not_applicable", "pending", "not_judged")
VERDICTS = ("eligible", "ineligible", "incomplete")
# A topic's outcome is its worst result, in this order (a rule that did not apply is the mildest).
TOPIC_ORDER = ("fail", "missing", "pending", "pass", "not_applicable")

_OUTCOME = {"enum": list(OUTCOMES)}
CASES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["cases"],
    "properties": {
        "regime": {"type": "string", "pattern": "^[a-z]+-[0-9]{4}$"},
        "cases": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "as_of", "expect"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "note": {"type": "string"},
                "facts": {"type": ["object", "null"]},
                "base": {"type": "string", "minLength": 1},
                "set": {"type": "object"},
                "delete": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "as_of": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"},
                "stage": {"enum": list(STAGES)},
                "judge": {"enum": list(JUDGEMENTS)},
                "expect": {
                    "type": "object",
                    "additionalProperties": False,
                    "minProperties": 1,
                    "properties": {
                        "verdict": {"enum": list(VERDICTS)},
                        "rules": {"type": "object", "additionalProperties": {"oneOf": [
                            _OUTCOME, {"type": "object", "minProperties": 1, "additionalProperties": _OUTCOME}]}},
                        "topics": {"type": "object", "additionalProperties": _OUTCOME},
                    },
                },
            },
        }},
    },
}


class CaseError(Exception):
    """A case file that cannot be run; `.errors` holds `file:line:col: message` lines."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Case:
    name: str
    facts: dict[str, Any]
    as_of: dt.date
    stage: str
    judge: str
    verdict: str | None
    rules: dict[str, str | dict[str, str]]
    topics: dict[str, str]
    where: str  # "file:line:col" of the case, for messages


@dataclass
class CaseFile:
    path: Path
    regime_id: str
    cases: list[Case] = field(default_factory=list)


@dataclass
class CaseResult:
    case: Case
    result: dict[str, Any]
    differences: list[str]

    @property
    def passed(self) -> bool:
        return not self.differences


def cases_path(policy_path: Path) -> Path:
    """Where the cases of a policy file live: <region>/tests/<edition>.yaml."""
    return policy_path.parent / CASES_DIR / policy_path.name


def case_files(root: Path) -> list[Path]:
    return sorted(root.glob(f"*/{CASES_DIR}/*.yaml"))


def regime_id_for(case_file: Path) -> str:
    """The regime a case file belongs to, from its place: <region>/tests/<edition>.yaml → <region>-<edition>."""
    return f"{case_file.parent.parent.name}-{case_file.stem}"


def examples_dirs(root: Path) -> list[Path]:
    """Where `base:` names are looked up: examples/ beside the policies folder, then beside the shipped one."""
    out: list[Path] = []
    for folder in (root.parent / "examples", shipped_policies().parent / "examples"):
        if folder.is_dir() and folder.resolve() not in [o.resolve() for o in out]:
            out.append(folder)
    return out


# ---------------------------------------------------------------- facts paths (as tests/support.py)

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parts(path: str) -> list[str | int]:
    if not re.fullmatch(r"[^.\[\]]+(\.[^.\[\]]+|\[\d+\])*", path):
        raise ValueError(f"路径 '{path}' 格式不对（应如 project.budget.requested_support_wan 或 experts[0].title）")
    return [int(i) if i else k for k, i in _PART.findall(path)]


def set_path(facts: dict, path: str, value: Any) -> None:
    """Set `path` (experts[0].title) to `value`, creating objects on the way; a list index must exist."""
    parts = _parts(path)
    node: Any = facts
    for part, nxt in zip(parts, parts[1:], strict=False):
        node = _step(node, part, path, create=[] if isinstance(nxt, int) else {})
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last > len(node):
            raise ValueError(f"路径 '{path}'：列表没有第 {last} 项")
        if last == len(node):
            node.append(value)
        else:
            node[last] = value
    elif isinstance(node, dict):
        node[last] = value
    else:
        raise ValueError(f"路径 '{path}'：'{last}' 的上一级不是对象")


def delete_path(facts: dict, path: str) -> None:
    parts = _parts(path)
    node: Any = facts
    for part in parts[:-1]:
        node = _step(node, part, path, create=None)
    last = parts[-1]
    try:
        del node[last]
    except (KeyError, IndexError, TypeError):
        raise ValueError(f"路径 '{path}' 在事实中不存在，无法删除") from None


def _step(node: Any, part: str | int, path: str, create: Any) -> Any:
    if isinstance(part, int):
        if not isinstance(node, list) or part >= len(node):
            raise ValueError(f"路径 '{path}'：列表没有第 {part} 项")
        return node[part]
    if not isinstance(node, dict):
        raise ValueError(f"路径 '{path}'：'{part}' 的上一级不是对象")
    if part not in node:
        if create is None:
            raise ValueError(f"路径 '{path}' 在事实中不存在，无法删除")
        node[part] = create
    return node[part]


# ---------------------------------------------------------------- loading

def load_case_file(path: Path, examples: list[Path] | None = None, name: str | None = None) -> CaseFile:
    """Read and check one case file; every problem is a `file:line:col: message` line in CaseError
    (`name` is how messages show the file, the path itself by default)."""
    name = name or str(path)
    try:
        doc = yamlio.load(yamlio.read_text(path, MAX_CASE_BYTES))
    except yamlio.YamlError as err:
        raise CaseError([err.at(name)]) from None
    except (ValueError, RecursionError):
        raise CaseError([f"{name}: 无法解析"]) from None
    validator = Draft202012Validator(CASES_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    problems = schema_messages(validator, doc.data)
    if problems:
        raise CaseError([_at(name, doc, p, m) for p, m in problems])
    data = doc.data
    regime_id = regime_id_for(path)
    if data.get("regime") and data["regime"] != regime_id:
        raise CaseError([_at(name, doc, ("regime",), f"regime: 用例文件 {path.parent.name}/{path.name} 属于 "
                                                      f"{regime_id}，不是 {data['regime']}")])
    examples = examples if examples is not None else examples_dirs(path.parent.parent.parent)
    out = CaseFile(path, regime_id)
    errors: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(data["cases"]):
        where = ("cases", i)
        line, col = doc.position(where)
        if raw["name"] in seen:
            errors.append(_at(name, doc, where + ("name",),
                              f"用例名称“{raw['name']}”重复（第 {seen[raw['name']] + 1} 个用例已使用）"))
        seen.setdefault(raw["name"], i)
        try:
            facts = _facts(raw, regime_id, path, examples)
        except ValueError as exc:
            key = next((k for k in ("set", "delete", "base", "facts") if k in raw), "name")
            errors.append(_at(name, doc, where + (key,), f"用例“{raw['name']}”：{exc}"))
            continue
        out.cases.append(Case(
            name=raw["name"], facts=facts, as_of=dt.date.fromisoformat(raw["as_of"]),
            stage=raw.get("stage", "application"), judge=raw.get("judge", "application"),
            verdict=raw["expect"].get("verdict"), rules=raw["expect"].get("rules") or {},
            topics=raw["expect"].get("topics") or {}, where=f"{name}:{line}:{col}"))
    if errors:
        raise CaseError(errors)
    return out


def _at(name: str, doc: yamlio.Document, path: yamlio.Path, message: str) -> str:
    line, col = doc.position(path)
    return f"{name}:{line}:{col}: {message}"


def _facts(raw: dict[str, Any], regime_id: str, case_file: Path, examples: list[Path]) -> dict[str, Any]:
    if "facts" in raw and "base" in raw:
        raise ValueError("facts 与 base 只能写一个：facts 是完整的事实，base 是在示例事实上修改")
    if "facts" not in raw and "base" not in raw:
        raise ValueError("须写 facts（完整的事实）或 base（示例事实，如 compliant）")
    facts: dict[str, Any] = copy.deepcopy(raw["facts"] or {}) if "facts" in raw else \
        _base(raw["base"], regime_id, case_file, examples)
    for p in raw.get("delete") or []:
        delete_path(facts, p)
    for p, value in (raw.get("set") or {}).items():
        set_path(facts, p, copy.deepcopy(value))
    problems = validate_facts(facts)
    if problems:
        raise ValueError("事实有误：" + "；".join(problems[:5]) + ("……" if len(problems) > 5 else ""))
    return facts


def _base(base: str, regime_id: str, case_file: Path, examples: list[Path]) -> dict[str, Any]:
    """`compliant` → examples/<regime>/compliant.yaml; `shanghai-2026/flawed` → that regime's example;
    a name ending in .yaml/.json → a file relative to the case file."""
    if base.endswith((".yaml", ".yml", ".json")):
        candidates = [case_file.parent / base]
    else:
        folder, _, stem = base.rpartition("/")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", stem) or (folder and not re.fullmatch(r"[a-z]+-[0-9]{4}", folder)):
            raise ValueError(f"base '{base}' 应为示例名（如 compliant、flawed）、<规则集>/<示例名> 或 .yaml 文件路径")
        candidates = [d / (folder or regime_id) / f"{stem}.yaml" for d in examples]
    for candidate in candidates:
        if candidate.is_file():
            try:
                return load_facts_file(candidate)
            except FactsError as exc:
                raise ValueError(f"base 示例 {candidate} 有误：{'；'.join(exc.errors[:3])}") from None
    tried = "、".join(str(c) for c in candidates) or f"examples/{regime_id}/（找不到 examples 文件夹）"
    raise ValueError(f"找不到 base 示例 '{base}'（查找过：{tried}）")


def check_against(case_file: CaseFile, regime: Regime) -> list[str]:
    """Expectations that name what the regime does not have (a typo would otherwise always 'pass')."""
    rules = {r.local_id for r in regime.rules}
    topics = {r.topic for r in regime.rules}
    errors = []
    for case in case_file.cases:
        if case.judge not in regime.judgements:
            errors.append(f"{case.where}: 用例“{case.name}”：规则集 {regime.id} 不判定 '{case.judge}'"
                          f"（可判定：{'、'.join(regime.judgements)}）")
        for rid in case.rules:
            if _local(rid, regime.id) not in rules:
                errors.append(f"{case.where}: 用例“{case.name}”：规则集 {regime.id} 没有规则 '{rid}'")
        for topic in case.topics:
            if topic not in topics:
                errors.append(f"{case.where}: 用例“{case.name}”：规则集 {regime.id} 没有主题为 '{topic}' 的规则")
    return errors


def _local(rule_id: str, regime_id: str) -> str:
    return rule_id.split("/", 1)[1] if rule_id.startswith(regime_id + "/") else rule_id


# ---------------------------------------------------------------- running

Evaluator = Callable[..., dict[str, Any]]


def run_case(case: Case, regime: Regime, evaluate: Evaluator) -> CaseResult:
    """Evaluate the case (`evaluate` is engine.evaluate.evaluate) and list what differs from its expectations."""
    result = evaluate(regime, copy.deepcopy(case.facts), case.as_of, stage=case.stage, judge=case.judge)
    return CaseResult(case, result, differences(case, result))


def _show(outcome: str | None) -> str:
    if outcome is None or outcome == "not_judged":
        return "not_judged（未判定）"
    return f"{outcome}（{OUTCOME_TEXT.get(outcome, outcome)}）"


def differences(case: Case, result: dict[str, Any]) -> list[str]:
    out = []
    if case.verdict and result["verdict"] != case.verdict:
        out.append(f"结论应为 {VERDICT_TEXT[case.verdict][0]}（{case.verdict}），实际为 "
                   f"{VERDICT_TEXT[result['verdict']][0]}（{result['verdict']}）")
    regime_id = result["regime"]["id"]
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for entry in result["results"]:
        by_rule.setdefault(entry["rule"].split("/", 1)[1], []).append(entry)
    for rid, want in case.rules.items():
        entries = by_rule.get(_local(rid, regime_id), [])
        wanted = want if isinstance(want, dict) else {None: want}
        for subject, outcome in wanted.items():
            mine = [e for e in entries if subject is None or e["subject_id"] == str(subject)]
            got = sorted({e["outcome"] for e in mine}) or ["not_judged"]
            if got != [outcome]:
                label = f"规则 {_local(rid, regime_id)}" + (f"（{subject}）" if subject is not None else "")
                detail = "；".join(dict.fromkeys(f"{e['subject_id']}: {e['message']}" for e in mine
                                                 if e["outcome"] != outcome))[:300]
                out.append(f"{label} 应为 {_show(outcome)}，实际为 {'、'.join(_show(g) for g in got)}"
                           + (f" —— {detail}" if detail else ""))
    for topic, outcome in case.topics.items():
        entries = [e for e in result["results"] if e["topic"] == topic]
        worst = min((e["outcome"] for e in entries), key=TOPIC_ORDER.index, default="not_judged")
        if worst != outcome:
            rules = "、".join(sorted({e["rule"].split("/", 1)[1] for e in entries if e["outcome"] == worst}))
            out.append(f"主题 {topic} 应为 {_show(outcome)}，实际为 {_show(worst)}" + (f"（规则 {rules}）" if rules else ""))
    return out


def seen_outcomes(results: list[CaseResult]) -> dict[str, set[str]]:
    """{rule id: outcomes the cases produced}, the shape engine.policy.coverage.gaps reads."""
    seen: dict[str, set[str]] = {}
    for r in results:
        for entry in r.result["results"]:
            seen.setdefault(entry["rule"], set()).add(entry["outcome"])
    return seen
