"""Chinese labels for enum values shown to people; codes stay English in data and JSON."""

from __future__ import annotations

from typing import Any

LABELS: dict[str, str] = {
    # expert.title
    "senior": "正高级", "associate_senior": "副高级", "intermediate": "中级", "junior": "初级", "none": "无职称",
    # levels
    "national": "国家级", "provincial": "省级", "municipal": "市级", "ministerial": "部级",
    "city": "市级", "county": "县级", "township": "乡镇级",
    # directions
    "enterprise_innovation": "企业技术创新", "rural_revitalization": "乡村振兴", "medical_health": "医疗健康",
    "public_services": "民生及公共服务", "education": "教育", "public_welfare": "公益服务", "other": "其他",
    # served unit types
    "enterprise": "企业", "public_institution": "事业单位", "village": "村", "community": "社区",
    "economic_org": "经济组织", "social_org": "社会组织", "government_agency": "机关",
    # plan sections
    "goals": "服务目标", "content": "服务内容", "experts": "专家组成", "time_place": "时间地点",
    "schedule": "活动安排", "budget": "经费预算", "safeguards": "保障措施", "expected_outcomes": "预期成效",
    # expenses
    "venue_equipment": "场地设备", "conference": "会务", "food_lodging": "食宿", "transport": "交通",
    "materials": "资料", "expert_fees": "专家劳务", "insurance": "保险", "training": "培训",
    "base_subsidy": "基地专家补贴", "hospitality": "公务接待", "allowance": "津贴补贴", "gifts": "礼品礼金",
    "fixed_assets": "固定资产", "unrelated": "无关支出",
    # service forms and modes
    "open_competition": "揭榜挂帅", "decision_consulting": "决策咨询", "joint_research": "技术攻关",
    "technical_guidance": "技术指导", "technology_promotion": "技术推广", "project_cooperation": "项目合作",
    "achievement_transfer": "成果转化", "talent_training": "人才培养", "science_popularization": "科普宣传",
    "free_clinic": "义诊", "onsite": "现场服务", "remote": "远程指导", "short_posting": "短期派驻",
    # budget sources
    "fiscal": "财政资助", "self_raised": "单位自筹", "social": "社会资金",
    # service tracks
    "urban_teacher_to_rural": "城镇教师支教", "tertiary_doctor_to_county": "三级医院医师下县",
    "agri_technician_to_county": "农技人员下县",
}


def label(value: Any) -> Any:
    """The Chinese label of an enum code, or the value unchanged."""
    return LABELS.get(value, value) if isinstance(value, str) else value
