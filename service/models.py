"""Request and response models of the HTTP API, and the OpenAPI examples.

The facts document has one definition: engine/facts/facts.schema.json. Request models
declare `facts` as a free JSON object whose OpenAPI schema becomes a `$ref` to that file's
schema (inserted under components by `service.openapi`), and the service validates it with
the engine's own validator, so the documented schema and the enforced one cannot drift.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

FACTS_MARKER = "x-regimes-facts"  # service.openapi replaces the schema carrying it by a $ref to Facts
Facts = Annotated[dict[str, Any], WithJsonSchema({"type": "object", FACTS_MARKER: True})]
RegimeId = Annotated[str, Field(min_length=1, max_length=200, examples=["liaoning-2026"])]
DateText = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"},
                                examples=["2026-06-01"])]


def parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' 不是有效日期（格式 YYYY-MM-DD）") from None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Dated(_Strict):
    @field_validator("as_of", check_fields=False)
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        parse_date(value)
        return value


# ---------------------------------------------------------------- examples

EXAMPLE_FACTS: dict[str, Any] = {
    "project": {
        "id": "LN-2026-017", "name": "西丰县梅花鹿产业技术提升专家服务团", "applicant_unit": "铁岭市人力资源和社会保障局",
        "host_unit": "沈阳农业大学", "recommender": "铁岭市人力资源和社会保障局", "level": "provincial",
        "direction": "rural_revitalization", "service_forms": ["technical_guidance", "talent_training"],
        "service_modes": ["onsite", "remote"], "relies_on_base": False, "sessions": 3,
        "start_date": "2026-07-20", "end_date": "2026-10-31", "onsite_days": 3,
        "locations": [{"province": "辽宁省", "city": "铁岭市", "county": "西丰县", "provincial_key_county": True}],
        "served_units": [{"name": "西丰县振兴鹿业专业合作社", "type": "economic_org", "level": "county"}],
        "budget": {"total_wan": 5.5, "requested_support_wan": 3, "sources": ["fiscal", "self_raised"]},
        "submitted_on": "2026-06-12",
    },
    "experts": [
        {"id": "E1", "name": "王振国", "title": "senior", "healthy": True, "willing": True, "adaptable": True,
         "employer_approved": True, "service_days_in_year": 12},
        {"id": "E2", "name": "李淑华", "title": "intermediate", "equivalent_level": False, "healthy": True,
         "willing": True, "adaptable": True, "employer_approved": True},
    ],
}
EXAMPLE_REF = {"id": "liaoning-2026", "version": "1.0.2",
               "hash": "sha256:7c7d5f0410fe8e6cc667aa98d209ec89295e00d23d90833816e1abfa3797ffe2"}
EXAMPLE_RULE_RESULT = {
    "rule": "liaoning-2026/expert-title", "topic": "expert.title", "subject": "expert", "subject_id": "E2",
    "kind": "requirement", "severity": "error", "outcome": "fail",
    "message": "专家应具有副高级以上专业技术职称或相应专业技术水平；职称：intermediate，相应专业技术水平：否", "missing": [],
    "source": {"document": "《辽宁省省级专家服务基层项目管理办法（试行）》", "clause": "第七条",
               "quote": "应具有副高级以上专业技术职称或相应专业技术水平"},
}
EXAMPLE_DECISION_ID = "3f2b6c1e-8d4a-4e0b-9a57-2c1d0e6f9b10"
EXAMPLE_RESULT = {"decision_id": EXAMPLE_DECISION_ID, "regime": EXAMPLE_REF, "as_of": "2026-06-15",
                  "stage": "application", "judged": "application", "verdict": "ineligible", "verdict_text": "不符合条件",
                  "missing_subjects": [],
                  "summary": {"fail": 1, "missing": 0, "pending": 0, "pass": 0, "not_applicable": 0},
                  "results": [EXAMPLE_RULE_RESULT],
                  "obligations": [{"rule": "liaoning-2026/plan-filing", "what": "实施方案备案", "subject_id": "LN-2026-017",
                                   "stage": "filing", "due": "2026-07-10", "due_basis": "start_date",
                                   "status": "pending", "done_on": None, "clause": "第十四条",
                                   "quote": "至少在专家服务团项目开展 10 日前报省人力资源社会保障厅备案", "judged": False}],
                  "manual_checks": [{"clause": "第七条", "quote": "有较高的学术造诣和扎实的业务能力",
                                     "what": "由推荐单位核实专家的学术造诣和业务能力", "why": "学术水平无法由事实字段判定",
                                     "stage": "application", "sentence_id": "s-0123456789"}],
                  "later_stages": []}
EXAMPLE_CHANGES = {"identical": False, "regime": None, "as_of": None,
                   "verdict": {"from": "eligible", "to": "ineligible"},
                   "rules": [{"rule": "expert-title", "subject_id": "E2", "from": "pass", "to": "fail",
                              "topic": "expert.title", "message": EXAMPLE_RULE_RESULT["message"]}]}
EXAMPLE_IDENTICAL = {"identical": True, "regime": None, "as_of": None, "verdict": None, "rules": []}
EXAMPLE_SUMMARY = {"id": "liaoning-2026", "region": "liaoning", "region_name": "辽宁", "edition": 2026,
                   "title": "辽宁省省级专家服务基层项目申报通知（2026）及管理办法（试行）",
                   "issuer": "辽宁省人力资源和社会保障厅",
                   "document_numbers": [], "issued": "2026-05-15", "effective_from": "2026-05-15",
                   "kind": "application_notice_and_measures", "rule_count": 29, "version": EXAMPLE_REF["version"],
                   "hash": EXAMPLE_REF["hash"]}
EXAMPLE_RULE = {"id": "liaoning-2026/expert-title", "title": "专家职称或相应水平", "topic": "expert.title", "subject": "expert",
                "each": None, "kind": "requirement", "severity": "error", "params": {"titles": ["senior", "associate_senior"]},
                "message": "专家应具有副高级以上专业技术职称或相应专业技术水平；职称：{title}",
                "source": EXAMPLE_RULE_RESULT["source"]}
EXAMPLE_ERROR = {"error": "事实有误", "errors": [
    {"field": "facts.experts[0].title", "message": "experts[0].title: 'professor' 不是允许的取值（senior, associate_senior, "
                                                   "intermediate, junior, none）"}]}

EXAMPLE_DECISION = {"id": EXAMPLE_DECISION_ID, "created_at": "2026-06-15T02:13:45.120391+00:00", "regime": EXAMPLE_REF,
                    "as_of": "2026-06-15", "engine": "durable", "facts": EXAMPLE_FACTS, "result": EXAMPLE_RESULT}
EXAMPLE_REPLAY = {"decision_id": EXAMPLE_DECISION_ID, "original": EXAMPLE_RESULT, "result": EXAMPLE_RESULT,
                  "changes": EXAMPLE_IDENTICAL}
EXAMPLE_IMPACT = {"candidate": {**EXAMPLE_REF, "version": "1.1.0",
                                "hash": "sha256:cc54fe181fffe045b2274fdb4ae5abb43e69c6386b098d3e1596d980f193f3d0"},
                  "decisions": 120, "changed": 1, "verdict_changed": 1, "rules_changed": 1,
                  "changes": [{"decision_id": EXAMPLE_DECISION_ID, "created_at": "2026-06-15T02:13:45.120391+00:00",
                               "regime": EXAMPLE_REF, "as_of": "2026-06-15", "verdict": EXAMPLE_CHANGES["verdict"],
                               "rules": EXAMPLE_CHANGES["rules"]}]}
EXAMPLE_RELOAD = {"reloaded": True, "regimes": {"liaoning-2026": EXAMPLE_REF["hash"]}, "revision": "a029f751e3219dfd",
                  "workers": [{"pid": 4242, "revision": "a029f751e3219dfd", "ok": True}]}
EXAMPLE_HEALTH = {"status": "ok", "regimes": {"liaoning-2026": EXAMPLE_REF["hash"]}, "errors": [],
                  "loaded_at": "2026-06-15T00:00:00+00:00", "database": "sqlite", "live_engine_states": 0,
                  "revision": "a029f751e3219dfd", "pid": 4242}
EXAMPLE_COMPARE = {"results": {"liaoning-2026": EXAMPLE_RESULT}}


# ---------------------------------------------------------------- requests

Stage = Annotated[Literal["application", "filing", "implementation", "closing"],
                  Field(description="阶段：判定该阶段及之前阶段的规则；之后阶段的限期事项列为待办")]
Judge = Annotated[Literal["application", "expert", "base", "locality", "listing", "secondment"],
                  Field(description="判定对象")]


class EvaluateRequest(_Dated):
    """Name a regime, or a region and date (the edition in force then is used); `as_of` defaults to today."""

    regime: RegimeId | None = None
    region: Annotated[str, Field(min_length=1, max_length=100, examples=["liaoning"])] | None = None
    as_of: DateText | None = None
    stage: Stage = "application"
    judge: Judge = "application"
    facts: Facts

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"regime": "liaoning-2026", "as_of": "2026-06-15", "facts": EXAMPLE_FACTS}]})


class CompareRequest(_Dated):
    """The same facts against every loaded regime, or those named."""

    facts: Facts
    regimes: Annotated[list[RegimeId], Field(max_length=100)] | None = None
    as_of: DateText | None = None
    stage: Stage = "application"
    judge: Judge = "application"

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"facts": EXAMPLE_FACTS, "regimes": ["liaoning-2026", "shanghai-2026"], "as_of": "2026-06-15"}]})


class ReplayRequest(_Dated):
    """Empty: replay under the logged policy snapshot. `regime`: under that loaded regime. `as_of`: on that
    date, under the edition of the same region then in force (or under `regime` if both are given)."""

    regime: RegimeId | None = None
    as_of: DateText | None = None

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{}, {"regime": "liaoning-2026"}]})


# ---------------------------------------------------------------- responses (documentation; see tests for conformance)

Outcome = Literal["pass", "fail", "missing", "not_applicable", "pending"]
Verdict = Literal["eligible", "ineligible", "incomplete"]


class RegimeRef(BaseModel):
    id: str
    version: str
    hash: str


class Source(BaseModel):
    document: str
    clause: str
    quote: str


class RuleResult(BaseModel):
    rule: str
    topic: str
    subject: str
    subject_id: str
    kind: Literal["requirement", "entitlement"]
    severity: Literal["error", "warning", "info"]
    outcome: Outcome
    stage: str | None = None
    message: str
    missing: list[str]
    source: Source
    reading: str | None = None
    due: str | None = Field(None, description="pending / overdue duties: the due date (the day itself counts)")
    days_left: int | None = None


class Obligation(BaseModel):
    rule: str
    what: str
    subject_id: str
    stage: str
    due: str | None
    due_basis: str
    status: Literal["done", "done_late", "pending", "overdue", "unscheduled", "undetermined"]
    done_on: str | None
    clause: str
    quote: str
    judged: bool


class ManualCheck(BaseModel):
    clause: str
    quote: str
    what: str
    why: str
    stage: str
    sentence_id: str = Field(description="anchor of the sentence on /regimes/{id}/source")


class LaterRule(BaseModel):
    rule: str
    title: str
    stage: str
    severity: str
    kind: str
    clause: str
    quote: str


class EvaluationResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_RESULT]})

    decision_id: str | None = Field(None, description="present when logged (POST /v1/evaluate)")
    regime: RegimeRef
    as_of: str
    stage: str
    judged: str
    verdict: Verdict
    verdict_text: str = Field(description="the answer in Chinese, e.g. 硬性要求均符合；另有 1 项一般性要求未符合、2 项需人工核对")
    missing_subjects: list[str]
    summary: dict[str, int]
    results: list[RuleResult]
    obligations: list[Obligation]
    manual_checks: list[ManualCheck]
    later_stages: list[LaterRule]
    caveat: str | None = None
    edition_note: str | None = Field(default=None, description="when the regime was asked for by id: the edition in "
                                      "force on as_of if it was another, or that this one did not yet apply")


class CompactRuleResult(BaseModel):
    """A result entry of `?detail=compact`: what differs per subject; the rest is in `rules[rule]`."""

    rule: str
    subject_id: str
    outcome: Outcome
    message: str
    missing: list[str]
    due: str | None = None
    days_left: int | None = None


class RuleFacts(BaseModel):
    """What every entry of one rule repeats, given once in `?detail=compact`."""

    topic: str
    subject: str
    kind: Literal["requirement", "entitlement"]
    severity: Literal["error", "warning", "info"]
    stage: str | None = None
    source: Source
    reading: str | None = None


class CompactEvaluationResult(BaseModel):
    """`?detail=compact`: as EvaluationResult, with `{**rules[e.rule], **e}` giving back each full entry."""

    decision_id: str | None = None
    regime: RegimeRef
    as_of: str
    stage: str
    judged: str
    verdict: Verdict
    verdict_text: str
    missing_subjects: list[str]
    summary: dict[str, int]
    results: list[CompactRuleResult]
    rules: dict[str, RuleFacts]
    obligations: list[Obligation]
    manual_checks: list[ManualCheck]
    later_stages: list[LaterRule]
    caveat: str | None = None
    edition_note: str | None = Field(default=None, description="as in the full result")


class CompareResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_COMPARE]})

    stage: str | None = None
    judged: str | None = None
    results: dict[str, EvaluationResult | CompactEvaluationResult]
    skipped: dict[str, str] | None = None


class ErrorItem(BaseModel):
    field: str = Field(description="the input at fault: body path, parameter, header, or file:line:col of a policy")
    message: str


class ErrorBody(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_ERROR]})

    error: str
    errors: list[ErrorItem]


class RegimeSummary(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [EXAMPLE_SUMMARY]})

    id: str
    region: str
    region_name: str
    edition: int
    title: str
    effective_from: str
    version: str
    hash: str
    rule_count: int


class RuleInfo(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    topic: str
    subject: str
    kind: str
    severity: str
    params: dict[str, Any]
    message: str
    source: Source
    stage: str
    reading: str | None = None


class RegimeDetail(RegimeSummary):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{**EXAMPLE_SUMMARY, "rules": [EXAMPLE_RULE]}]})

    rules: list[RuleInfo]


class DecisionRecord(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_DECISION]})

    id: str
    created_at: str
    regime: RegimeRef
    as_of: str
    engine: str
    facts: dict[str, Any]
    result: EvaluationResult


class VerdictChange(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str


class RuleChange(BaseModel):
    rule: str = Field(description="rule id within its regime")
    subject_id: str
    from_: Outcome | None = Field(alias="from", description="null: the rule did not apply to this subject before")
    to: Outcome | None = Field(description="null: the rule no longer applies to this subject")
    topic: str | None = None
    message: str | None = None


class Changes(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_CHANGES]})

    identical: bool
    regime: dict[str, RegimeRef] | None
    as_of: dict[str, str] | None
    verdict: VerdictChange | None
    rules: list[RuleChange]


class ReplayResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_REPLAY]})

    decision_id: str
    original: EvaluationResult
    result: EvaluationResult
    changes: Changes


class ImpactDecision(BaseModel):
    decision_id: str
    created_at: str
    regime: RegimeRef
    as_of: str
    stage: str | None = None
    judged: str | None = None
    project_id: str | None = None
    applicant_unit: str | None = None
    host_unit: str | None = None
    verdict_before: str | None = None
    verdict_after: str | None = None
    verdict: VerdictChange | None
    rules: list[RuleChange] = Field(description="rules whose outcome changes what the applicant must do")


class ReplacedEdition(BaseModel):
    id: str
    effective_from: str
    why: Literal["same_id", "in_force"] = Field(description="same id, or the region's edition in force on the "
                                                            "candidate's effective_from")


class RuleImpact(BaseModel):
    rule: str
    topic: str | None
    decisions: int = Field(description="changed decisions in which this rule's outcome changed")
    transitions: dict[str, int] = Field(description="'pass→fail': count; — is a rule absent on that side")


class ImpactResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_IMPACT]})

    candidate: RegimeRef
    replaces: ReplacedEdition | None = None
    regimes: list[str] = Field([], description="regime ids whose logged decisions were replayed")
    decisions: int = Field(description="logged decisions replayed")
    changed: int = Field(description="decisions whose verdict or any rule outcome changes")
    verdict_changed: int
    rules_changed: int
    truncated: bool = False
    notice: str | None = Field(None, description="when truncated: how many decisions were replayed, in Chinese")
    refused: list[dict[str, str]] = Field([], description="decisions the candidate cannot judge (e.g. a judgement it "
                                                          "no longer makes)")
    by_rule: list[RuleImpact] = []
    changes: list[ImpactDecision]


class ReloadResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_RELOAD]})

    reloaded: bool
    regimes: dict[str, str] = Field(description="regime id → content hash now served")
    revision: str = Field("", description="policy revision now served (as in /healthz)")
    workers: list[dict[str, Any]] = Field(default_factory=list,
                                          description="each worker's pid and revision after the reload")


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_HEALTH]})

    status: Literal["ok"]
    regimes: dict[str, str]
    revision: str = Field("", description="policy revision: the first 16 hex digits of sha256 over the sorted "
                                          "'id=hash' lines of `regimes`; every worker and host serving the same "
                                          "policy set reports the same one")
    pid: int = Field(0, description="the process that answered (with `regimes serve --workers N`, one of the workers)")
    errors: list[str] = Field(description="policy files skipped at the last (re)load")
    loaded_at: str
    database: str
    database_url: str = Field("", description="the decision log in use, password hidden (as REGIMES_DATABASE_URL)")
    live_engine_states: int = Field(0, description="evaluations holding a rules-engine state right now (0 when idle)")
    last_reload: dict[str, Any] | None = Field(None, description="the last reload: at, ok, errors, regimes served after it")
