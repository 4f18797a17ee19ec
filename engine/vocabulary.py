"""Chinese labels for enum values shown to people; codes stay English in data and JSON."""

from __future__ import annotations

from typing import Any

LABELS: dict[str, str] = {
    "national": "国家级", "provincial": "省级", "municipal": "市级", "ministerial": "部级",
    "city": "市级", "county": "县级", "township": "乡镇",
    "senior": "正高级", "associate_senior": "副高级", "intermediate": "中级", "junior": "初级", "none": "无职称",
    "enterprise_innovation": "企业创新", "rural_revitalization": "乡村振兴", "medical_health": "医疗卫生",
    "public_services": "公共服务", "education": "教育", "public_welfare": "公益", "other": "其他",
    "open_competition": "揭榜挂帅", "decision_consulting": "决策咨询", "joint_research": "联合攻关",
    "technical_guidance": "技术指导", "technology_promotion": "技术推广", "project_cooperation": "项目合作",
    "achievement_transfer": "成果转化", "talent_training": "人才培养", "science_popularization": "科普宣传",
    "free_clinic": "义诊", "onsite": "现场服务", "remote": "远程指导", "short_posting": "短期派驻",
    "enterprise": "企业", "public_institution": "事业单位", "village": "村", "community": "社区",
    "economic_org": "经济组织", "social_org": "社会组织", "government_agency": "机关",
    "goals": "服务目标", "content": "服务内容", "experts": "专家组成", "time_place": "时间地点", "schedule": "活动安排",
    "budget": "经费预算", "safeguards": "保障措施", "expected_outcomes": "预期成效",
    "fiscal": "财政资金", "self_raised": "自筹", "social": "社会资金",
    "venue_equipment": "场地与设备租赁", "conference": "会务", "food_lodging": "食宿", "transport": "交通",
    "materials": "资料", "expert_fees": "专家劳务费", "insurance": "保险", "training": "培训", "base_subsidy": "基地专家补贴",
    "hospitality": "公务接待", "allowance": "津贴补贴", "gifts": "礼品礼金", "fixed_assets": "固定资产",
    "unrelated": "无关费用", "academician": "院士", "special_allowance": "享受政府特殊津贴专家",
    "outstanding_young": "有突出贡献中青年专家", "hundred_thousand_national": "百千万人才工程国家级人选",
    "shanghai_leading": "上海领军人才", "returnee": "高层次留学回国人才", "postdoc": "博士后",
    "national_outstanding": "全国杰出专业技术人才", "changjiang": "长江学者奖励计划特聘专家",
    "distinguished_young": "国家杰出青年基金获得者",
    "major_talent_program": "重大人才工程人选", "major_research_task": "承担重大科技攻关任务", "urgent_need": "急需紧缺人才",
    "leading_talent_team": "领军人才梯队",
    "urban_teacher_to_rural": "城市中小学教师到农村或边远地区学校支教",
    "tertiary_doctor_to_county": "城市三级医院医生到县级以下医疗卫生机构服务",
    "agri_technician_to_county": "市（地）以上农业技术人员到县以下对口单位或企业提供技术指导",
    "high_tech_zone": "高新技术开发区", "economic_zone": "经济技术开发区",
    "industrial_park": "产业园区", "startup_park": "创业园区", "tech_demo_base": "技术示范基地",
    "industrialization_demo_base": "产业化示范基地", "high_tech_enterprise": "高新技术企业",
    "grassroots_research": "基层科研单位", "professional_association": "专业技术协会", "rural_cooperative": "农村合作组织",
    "tech_intermediary": "技术中介服务组织", "team": "服务团", "base": "基地",
    "lead": "领衔专家", "member": "服务专家", "recommended": "推荐的重点联系专家",
    "commended": "成效突出（通报表扬）", "satisfactory": "合格", "rectify": "限期整改",
}


def label(value: Any) -> Any:
    """The Chinese label of an enum code, or the value unchanged."""
    return LABELS.get(value, value) if isinstance(value, str) else value

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
    "base.track_record": "浙江2023一（二）只要求依托单位“组织开展过专家服务活动”，没有人次门槛，"
                         "与上海“不少于50人次”（base.participants）分列",
    "project.expert_composition": "上海2026一“应以本单位专家为主”：服务团中本单位专家的比例，与专家个人条件分列",
    "project.sessions": "上海2026三（二）鼓励多批次服务（服务次数），与服务形式分列",
    "base.dynamic_management": "上海2026四 只对2022年入选的国家级和市级基地动态管理，不受理新设基地，与基地设立条件分列",
    "benefit.preference": "上海2026五 专家所在单位在项目申报、课题申请、继续教育、职称评聘等方面予以适当倾斜",
    "benefit.recognition": "上海2026四、五 对作出突出贡献的专家和成效突出的基地给予表扬、优先推荐和倾斜支持；"
                           "黑龙江三9、四16、四17 向服务基层成效显著者的推荐、评选与研修倾斜；"
                           "上海2022四 作出突出贡献的专家在重大人才项目选拔中优先遴选推荐",
    "base.host_funding": "上海2022四 专家服务基地依托单位应对基地给予日常经费保障，与基地参加人次、依托单位类型分列",
    "benefit.funding": "上海2026五 列入国家级或市级专家服务团的项目获得资助经费（与申请经费上限 funding.support 分列）",
}

ALL_TOPICS = DOMAIN_TOPICS | frozenset(EXTRA_TOPICS)
TOPIC_ORDER: tuple[str, ...] = DOMAIN_TOPIC_ORDER + tuple(sorted(EXTRA_TOPICS))


# ---------------------------------------------------------------- verdicts, severities, result groups
# The one wording of each verdict, with its colour for terminals and pages.
VERDICT_TEXT = {"eligible": ("符合条件", "bold green"), "ineligible": ("不符合条件", "bold red"),
                "incomplete": ("材料不全，尚不能判定", "bold yellow")}
# Severity badges name the kind of requirement, never a modal word: "必须" over a clause that says no such
# thing would put words in the notice's mouth (the notice's own words are in each message and quote).
SEVERITY_TEXT = {"error": "硬性要求", "warning": "一般性要求", "info": "倡导性条款"}
KIND_TEXT = {"requirement": "要求", "entitlement": "权益"}
OUTCOME_TEXT = {"pass": "通过", "fail": "不通过", "missing": "缺少事实", "not_applicable": "不适用", "pending": "待办",
                None: "（无此项）"}
CHANGE_TEXT = {"added": "新增", "removed": "删除", "changed": "修改", "reworded": "措辞/出处调整", "unchanged": "未变"}
NOT_ADDRESSED = "未规定"
RESULT_GROUPS = (
    ("未通过的硬性要求", lambda r: r["kind"] == "requirement" and r["outcome"] == "fail" and r["severity"] == "error", "red"),
    ("缺少的事实", lambda r: r["kind"] == "requirement" and r["outcome"] == "missing", "yellow"),
    ("提醒（一般性要求 / 倡导性条款）",
     lambda r: r["kind"] == "requirement" and r["outcome"] == "fail" and r["severity"] != "error", "magenta"),
    ("待办（截止日期未到）", lambda r: r["kind"] == "requirement" and r["outcome"] == "pending", "blue"),
    ("通过", lambda r: r["kind"] == "requirement" and r["outcome"] == "pass", "green"),
    ("权益", lambda r: r["kind"] == "entitlement" and r["outcome"] != "not_applicable", "cyan"),
)
ENTITLEMENT_OUTCOME = {"pass": "享有", "fail": "条件未满足", "missing": "缺少事实"}


SUBJECT_TEXT = {
    "project": "项目（project）", "experts": "专家（experts）", "expert": "专家", "base": "专家服务基地（base）",
    "locality": "市县年度任务（locality）", "listing": "推荐一览表（listing）", "secondment": "跟岗锻炼（secondment）",
}
STAGE_TEXT = {"application": "申报", "filing": "方案备案", "implementation": "实施", "closing": "结项"}
JUDGE_TEXT = {"application": "申报项目", "expert": "专家", "base": "专家服务基地", "locality": "市县年度任务",
              "listing": "推荐一览表", "secondment": "跟岗锻炼"}
OBLIGATION_TEXT = {"done": "已完成", "done_late": "已完成（逾期）", "pending": "待办", "overdue": "已逾期",
                   "unscheduled": "截止日期待定", "undetermined": "已过截止日期，是否适用尚不能确定（缺少事实）"}
