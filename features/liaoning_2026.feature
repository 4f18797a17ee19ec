# language: zh-CN
功能: 辽宁省省级专家服务基层项目（liaoning-2026）
  依据《关于开展辽宁省省级专家服务基层项目申报工作的通知》（2026年5月15日）
  和《辽宁省省级专家服务基层项目管理办法（试行）》（2026年4月27日）。
  以一份材料齐全、按时报送的申报（西丰县梅花鹿产业技术提升专家服务团）为基础，
  逐条改变一项事实，说明每一条规定在什么情况下满足、在什么情况下不满足。

  背景:
    假如规则集为 "liaoning-2026"
    并且以示例 "compliant" 为基础

  场景: 材料齐全、按时报送的申报符合条件
    当判定
    那么结论为 "eligible"

  # ---------------------------------------------------------------- 专家（管理办法第七条）
  场景: 专家具有副高级职称，可以参加（第七条）
    假如 "experts[0].title" 为 associate_senior
    当判定
    那么规则 "expert-title" 对 "E1" 的结果为 "pass"

  场景: 专家为中级职称但具有相应专业技术水平，可以参加（第七条）
    假如 "experts[0].title" 为 intermediate
    并且 "experts[0].equivalent_level" 为 true
    当判定
    那么规则 "expert-title" 对 "E1" 的结果为 "pass"

  场景: 专家为中级职称且不具有相应专业技术水平，不符合条件（第七条）
    假如 "experts[0].title" 为 intermediate
    并且 "experts[0].equivalent_level" 为 false
    当判定
    那么规则 "expert-title" 对 "E1" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 专家为中级职称、未说明是否具有相应专业技术水平，材料不全（第七条）
    假如 "experts[0].title" 为 intermediate
    当判定
    那么规则 "expert-title" 对 "E1" 的结果为 "missing"
    并且缺少事实 "experts[0].equivalent_level"
    并且结论为 "incomplete"

  场景: 专家没有服务基层的意愿，不符合条件（第七条）
    假如 "experts[1].willing" 为 false
    当判定
    那么规则 "expert-willing" 对 "E2" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 专家不能适应基层环境，不符合条件（第七条）
    假如 "experts[1].adaptable" 为 false
    当判定
    那么规则 "expert-adaptable" 对 "E2" 的结果为 "fail"
    并且结论为 "ineligible"

  # ---------------------------------------------------------------- 项目与服务对象
  场景: 国家级项目不属于本通知受理范围（通知导语：省级专家服务基层项目）
    假如 "project.level" 为 national
    当判定
    那么规则 "project-level" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 未填报申报方向，材料不全（通知二、申报方向）
    假如删除 "project.direction"
    当判定
    那么规则 "project-direction" 的结果为 "missing"
    并且结论为 "incomplete"

  场景: 未勾选任何服务形式，不符合条件（附件1 拟采取的服务形式）
    假如 "project.service_forms" 为 []
    当判定
    那么规则 "project-service-forms" 的结果为 "fail"

  场景: 服务市级医院属于基层（第二条：市级以下事业单位，含市级）
    假如 "project.served_units" 为 [{name: 铁岭市中心医院, type: public_institution, level: city}]
    当判定
    那么规则 "served-unit-grassroots" 的结果为 "pass"

  场景: 服务省直事业单位不属于基层，不符合条件（第二条）
    假如 "project.served_units" 为 [{name: 辽宁省农业科学院, type: public_institution, level: provincial}]
    当判定
    那么规则 "served-unit-grassroots" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 服务机关不属于基层，不符合条件（第二条）
    假如 "project.served_units" 为 [{name: 西丰县农业农村局, type: government_agency, level: county}]
    当判定
    那么规则 "served-unit-grassroots" 的结果为 "fail"

  场景: 服务省乡村振兴重点帮扶县是鼓励方向（第二十条）
    假如 "project.locations" 为 [{province: 辽宁省, city: 铁岭市, county: 昌图县, provincial_key_county: false}]
    当判定
    那么规则 "priority-key-counties" 的结果为 "fail"
    并且结论为 "eligible"

  # ---------------------------------------------------------------- 申报材料与截止时间
  场景: 申请表缺少承办单位，材料不全（通知三、1）
    假如删除 "project.host_unit"
    当判定
    那么规则 "application-form" 的结果为 "missing"
    并且缺少事实 "project.host_unit"
    并且结论为 "incomplete"

  场景: 实施方案草案缺少“预期成效”，不符合条件（通知三、1）
    假如 "project.plan_sections" 为 [goals, content, experts, time_place, schedule, budget, safeguards]
    当判定
    那么规则 "plan-draft-sections" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 6月19日当天报送，符合条件（通知四、3）
    假如 "project.submitted_on" 为 2026-06-19
    当判定
    那么规则 "application-deadline" 的结果为 "pass"

  场景: 6月20日报送，逾期不再受理（通知四、3）
    假如 "project.submitted_on" 为 2026-06-20
    当判定
    那么规则 "application-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 申请资助3万元，与资助标准一致（通知三、3）
    假如 "project.budget.requested_support_wan" 为 3
    当判定
    那么规则 "funding-support" 的结果为 "pass"

  场景: 申请资助超过3万元，提醒超出部分须自筹，不影响结论（通知三、3）
    假如 "project.budget.requested_support_wan" 为 3.01
    当判定
    那么规则 "funding-support" 的结果为 "fail"
    并且结论为 "eligible"

  # ---------------------------------------------------------------- 组织实施
  场景: 现场服务2天，符合一般要求（第二十一条）
    假如 "project.onsite_days" 为 2
    当判定
    那么规则 "onsite-days" 的结果为 "pass"

  场景: 现场服务4天，提醒一般为2-3天，可根据需求适当延长（第二十一条）
    假如 "project.onsite_days" 为 4
    当判定
    那么规则 "onsite-days" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 计划11月30日结束，符合条件（第二十一条）
    假如 "project.end_date" 为 2026-11-30
    当判定
    那么规则 "planned-completion" 的结果为 "pass"

  场景: 计划12月1日结束，晚于11月底，不符合条件（第二十一条）
    假如 "project.end_date" 为 2026-12-01
    当判定
    那么规则 "planned-completion" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 项目实际于11月30日完成，符合条件（通知四、2）
    假如 "project.completed_on" 为 2026-11-30
    并且 "project.report_submitted_on" 为 2026-12-20
    并且 "project.fund_report_on" 为 2026-12-20
    并且 "project.plan_filed_on" 为 2026-07-10
    当判定
    那么规则 "actual-completion" 的结果为 "pass"

  场景: 项目实际于12月1日完成，不符合条件（通知四、2）
    假如 "project.completed_on" 为 2026-12-01
    当判定
    那么规则 "actual-completion" 的结果为 "fail"

  场景: 方案恰在开展前10日备案，符合条件（第十四条）
    假如 "project.plan_filed_on" 为 2026-07-10
    当判定
    那么规则 "plan-filing" 的结果为 "pass"

  场景: 方案在开展前9日备案，不符合条件（第十四条）
    假如 "project.plan_filed_on" 为 2026-07-11
    当判定
    那么规则 "plan-filing" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 尚未备案、也未完成的申报阶段，不检查备案时间（第十四条）
    当判定
    那么规则 "plan-filing" 的结果为 "not_applicable"

  场景: 完成后一个月内提交总结报告，符合条件（第十七条）
    假如 "project.completed_on" 为 2026-10-31
    并且 "project.report_submitted_on" 为 2026-11-30
    当判定
    那么规则 "summary-report" 的结果为 "pass"

  场景: 完成一个月后才提交总结报告，不符合条件（第十七条）
    假如 "project.completed_on" 为 2026-10-31
    并且 "project.report_submitted_on" 为 2026-12-01
    当判定
    那么规则 "summary-report" 的结果为 "fail"

  场景: 已完成但未提供总结报告日期，材料不全（第十七条）
    假如 "project.completed_on" 为 2026-10-31
    当判定
    那么规则 "summary-report" 的结果为 "missing"
    并且缺少事实 "project.report_submitted_on"

  场景: 结束后一个月内报告经费使用情况，符合条件（第二十七条）
    假如 "project.completed_on" 为 2026-11-15
    并且 "project.fund_report_on" 为 2026-12-15
    当判定
    那么规则 "fund-report" 的结果为 "pass"

  场景: 结束一个月后才报告经费使用情况，不符合条件（第二十七条）
    假如 "project.completed_on" 为 2026-11-15
    并且 "project.fund_report_on" 为 2026-12-16
    当判定
    那么规则 "fund-report" 的结果为 "fail"

  # ---------------------------------------------------------------- 经费管理
  场景: 结余于11月30日退回，符合条件（第二十七条）
    假如 "project.surplus_wan" 为 0.6
    并且 "project.surplus_returned_on" 为 2026-11-30
    当判定
    那么规则 "surplus-return" 的结果为 "pass"

  场景: 结余于12月1日才退回，不符合条件（第二十七条）
    假如 "project.surplus_wan" 为 0.6
    并且 "project.surplus_returned_on" 为 2026-12-01
    当判定
    那么规则 "surplus-return" 的结果为 "fail"

  场景: 资助经费用于专家劳务和交通，符合条件（第二十八、二十九条）
    假如 "project.expenses" 为 [{category: expert_fees, amount_yuan: 18000}, {category: transport, amount_yuan: 2400}]
    当判定
    那么规则 "prohibited-expenses" 的结果为 "pass"
    并且规则 "allowed-expenses" 的结果为 "pass"

  场景: 资助经费用于礼品礼金，不符合条件（第二十九条）
    假如 "project.expenses" 为 [{category: expert_fees, amount_yuan: 18000}, {category: gifts, amount_yuan: 1200}]
    当判定
    那么规则 "prohibited-expenses" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 资助经费用于保险，不在主要支出范围内，提醒说明（第二十八条：主要包括……）
    假如 "project.expenses" 为 [{category: insurance, amount_yuan: 600}]
    当判定
    那么规则 "allowed-expenses" 的结果为 "fail"
    并且规则 "prohibited-expenses" 的结果为 "pass"
    并且结论为 "eligible"

  # ---------------------------------------------------------------- 工作要求
  场景: 方案未经同意擅自变更，不符合条件（第二十二条）
    假如 "project.plan_changed_without_approval" 为 true
    当判定
    那么规则 "no-unapproved-change" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 项目转交第三方实施，不符合条件（第二十二条）
    假如 "project.transferred_to_third_party" 为 true
    当判定
    那么规则 "no-third-party" 的结果为 "fail"

  场景: 未制定应急预案，不符合条件（第二十三条）
    假如 "project.emergency_plan" 为 false
    当判定
    那么规则 "emergency-plan" 的结果为 "fail"

  场景: 邀请境外专家并已履行外事审批，符合条件（第二十三条）
    假如 "project.foreign_experts" 为 true
    并且 "project.foreign_affairs_approved" 为 true
    当判定
    那么规则 "foreign-experts-approval" 的结果为 "pass"

  场景: 邀请境外专家未履行外事审批，不符合条件（第二十三条）
    假如 "project.foreign_experts" 为 true
    并且 "project.foreign_affairs_approved" 为 false
    当判定
    那么规则 "foreign-experts-approval" 的结果为 "fail"

  场景: 未邀请境外专家，不涉及外事审批（第二十三条）
    当判定
    那么规则 "foreign-experts-approval" 的结果为 "not_applicable"

  场景: 在县会议中心开会，符合条件（第二十四条）
    假如 "project.venues" 为 [{name: 西丰县会议中心, scenic_area: false, above_standard_hotel: false}]
    当判定
    那么规则 "venue-restrictions" 的结果为 "pass"

  场景: 在风景名胜区开会，不符合条件（第二十四条）
    假如 "project.venues" 为 [{name: 冰砬山景区会议中心, scenic_area: true, above_standard_hotel: false}]
    当判定
    那么规则 "venue-restrictions" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 承办单位上年度未按时完成任务，本年度不再支持（第三十二条）
    假如 "project.host_incomplete_last_year" 为 true
    当判定
    那么规则 "prior-year-completion" 的结果为 "fail"
    并且结论为 "ineligible"

  # ---------------------------------------------------------------- 专家权益（第二十六条）
  场景: 服务基层时间可折算为继续教育学时
    当判定
    那么规则 "continuing-education-hours" 对 "E1" 的结果为 "pass"
    并且规则 "title-evaluation-credit" 对 "E1" 的结果为 "pass"

  场景: 本年度未到基层服务的专家不享有折算，但不影响项目结论
    假如 "experts[0].service_days_in_year" 为 0
    当判定
    那么规则 "continuing-education-hours" 对 "E1" 的结果为 "fail"
    并且结论为 "eligible"
