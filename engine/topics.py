"""Topics: the axes along which regimes line up (DOMAIN §6)."""

# DOMAIN §6 order: the order policy staff read a notice in (who, what, how to apply, money, ...).
DOMAIN_TOPIC_ORDER: tuple[str, ...] = tuple("""
expert.title expert.health expert.employer_approval expert.priority expert.retired
project.level project.direction project.service_forms project.served_units project.scope
project.priority_areas project.onsite_days project.cumulative_days project.problems_per_session
project.completion application.deadline application.materials application.text_limits
application.quota funding.support funding.allowed_expenses funding.prohibited_expenses
funding.surplus reporting.plan_filing reporting.summary_report reporting.fund_report
reporting.results conduct.venue conduct.emergency_plan conduct.foreign_experts conduct.plan_change
history.prior_completion base.participants base.host_type locality.activities
locality.joint_activities locality.demo_teams locality.expert_recommendations secondment.duration
benefit.continuing_education benefit.title_promotion benefit.costs benefit.position_retained
""".split())
DOMAIN_TOPICS = frozenset(DOMAIN_TOPIC_ORDER)

# Topics beyond DOMAIN §6; each has its one-line reason in policies/README.md as well.
EXTRA_TOPICS: dict[str, str] = {
    "application.priority": "上海2022、2026 申报遴选中的优先与直报渠道（基地优先、特贴专家项目可直报），与名额分列",
    "expert.willingness": "辽宁第七条、黑龙江三9 要求专家具有服务基层的意愿，与健康状况分列以便比较",
    "conduct.third_party": "辽宁第二十二条单独禁止转交第三方实施，与方案变更分列",
    "secondment.trainee": "黑龙江二8 跟岗锻炼对象限于县以下专业技术骨干或急需紧缺人才，与锻炼时长分列",
}

ALL_TOPICS = DOMAIN_TOPICS | frozenset(EXTRA_TOPICS)
TOPIC_ORDER: tuple[str, ...] = DOMAIN_TOPIC_ORDER + tuple(sorted(EXTRA_TOPICS))
