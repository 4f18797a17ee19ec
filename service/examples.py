"""OpenAPI examples too long to sit beside the models (shapes as produced by engine.compare)."""

from __future__ import annotations

_LN = {"id": "liaoning-2026", "region_name": "辽宁", "edition": 2026,
       "title": "辽宁省省级专家服务基层项目申报通知（2026）及管理办法（试行）", "version": "1.0.2",
       "hash": "sha256:7c7d5f0410fe8e6cc667aa98d209ec89295e00d23d90833816e1abfa3797ffe2"}
_SH22 = {"id": "shanghai-2022", "region_name": "上海", "edition": 2022,
         "title": "上海市关于组织申报2022年国家和本市专家服务基层项目的通知", "version": "1.0.0",
         "hash": "sha256:e9f052118eb0a3550b281363ca0ce7d5e88300f4ce2cefa55330b61af7a1d4b8"}
_SH26 = {"id": "shanghai-2026", "region_name": "上海", "edition": 2026,
         "title": "上海市关于组织申报2026年国家和本市专家服务基层项目的通知", "version": "1.0.0",
         "hash": "sha256:09862e442e66e1a18718ec67174ecd5c54dcfc7c9a03724a270d92f8e1266c42"}


def _title_rule(regime: str, severity: str, requirement: str, document: str, clause: str, quote: str) -> dict:
    return {"id": f"{regime}/expert-title", "local_id": "expert-title", "title": "专家职称", "topic": "expert.title",
            "subject": "expert", "kind": "requirement", "severity": severity, "requirement": requirement,
            "params": {"titles": ["senior", "associate_senior"]}, "message": "……；职称：{title}",
            "source": {"document": document, "clause": clause, "quote": quote}}


_LN_TITLE = _title_rule("liaoning-2026", "error", "职称 ∈ 正高级、副高级 或 相应专业技术水平 = 是（必须）",
                        "《辽宁省省级专家服务基层项目管理办法（试行）》", "第七条",
                        "应具有副高级以上专业技术职称或相应专业技术水平")
_SH_TITLE = _title_rule("shanghai-2026", "warning", "职称 ∈ 正高级、副高级（一般应）", "沪人社专〔2026〕14号",
                        "一、专家遴选范围和条件", "专家一般应具有副高级及以上专业技术职称")

MATRIX = {
    "regimes": [_LN, _SH26],
    "rows": [{"topic": "expert.title", "label": "专家职称", "cells": {
        "liaoning-2026": {"addressed": True, "text": _LN_TITLE["requirement"], "rules": [_LN_TITLE]},
        "shanghai-2026": {"addressed": True, "text": _SH_TITLE["requirement"], "rules": [_SH_TITLE]},
    }}],
}

DIFF = {
    "from": "shanghai-2022", "to": "shanghai-2026",
    "regimes": {"from": _SH22, "to": _SH26},
    "topics": {"added": ["funding.support", "project.cumulative_days"], "removed": ["expert.health"],
               "changed": ["application.deadline"]},
    "summary": {"added": 14, "removed": 7, "changed": 8, "reworded": 3, "unchanged": 0},
    "rules": [{"topic": "expert.title", "topic_label": "专家职称",
               "from": {**_SH_TITLE, "id": "shanghai-2022/expert-title"}, "to": _SH_TITLE, "change": "reworded",
               "changes": {"source": {
                   "from": {"document": "《上海市人力资源和社会保障局关于组织申报2022年国家和本市专家服务基层项目的通知》"},
                   "to": {"document": "沪人社专〔2026〕14号"}}}}],
}

# A candidate edit of liaoning-2026 cut down to one rule, with the title requirement relaxed to
# intermediate titles: every logged liaoning-2026 decision is replayed under it.
CANDIDATE_YAML = """\
id: liaoning-2026
region: liaoning
region_name: 辽宁
edition: 2026
title: 辽宁省省级专家服务基层项目申报通知（2026）及管理办法（试行）
issuer: 辽宁省人力资源和社会保障厅
documents:
  - {short: 管理办法, name: 辽宁省省级专家服务基层项目管理办法（试行）, number: null, issued: 2026-04-27}
issued: 2026-04-27
effective_from: 2026-05-15
kind: application_notice_and_measures
version: 1.1.0
source_text: ../sources/liaoning-2026.txt
rules:
  - id: expert-title
    title: 专家职称或相应水平
    topic: expert.title
    subject: expert
    kind: requirement
    severity: error
    params:
      titles: [senior, associate_senior, intermediate]
    check:
      any:
        - {field: title, in: $titles}
        - {field: equivalent_level, eq: true}
    message: 专家应具有副高级以上专业技术职称或相应专业技术水平；职称：{title}
    source: {document: 管理办法, clause: 第七条, quote: 应具有副高级以上专业技术职称或相应专业技术水平}
"""


LEDGER = {
    "regime": {"id": "shanghai-2026", "version": "1.1.0", "hash": "sha256:…"},
    "normative_sentences": 29, "accounted": 29, "coverage": 1.0,
    "entries": {"encoded": 52, "manual": 19, "not_for_applicants": 8, "context": 5},
    "sentences": [{
        "line": 15, "sentence": "应以本单位专家为主，也可适当邀请外单位专家。", "normative": True, "modal_words": ["应", "可"],
        "accounted": True,
        "entries": [{"status": "encoded", "part": "应以本单位专家为主", "clause": "一、专家遴选范围和条件",
                     "rules": ["own-unit-majority"], "stage": "application", "check": "", "why": ""}],
    }],
}
