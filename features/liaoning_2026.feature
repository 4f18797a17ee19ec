# language: zh-CN
功能: 辽宁省省级专家服务基层项目（liaoning-2026）
  依据《关于开展辽宁省省级专家服务基层项目申报工作的通知》（2026年5月15日）
  和《辽宁省省级专家服务基层项目管理办法（试行）》（2026年4月27日发布之日起施行）。
  以一份材料齐全、6月12日报送的申报（西丰县梅花鹿产业技术提升专家服务团，7月20日开展、10月31日计划结束）
  及其推荐部门（铁岭市人社局）的一览表为基础，逐条改变一项事实，说明每一条规定在什么情况下满足、
  在什么情况下不满足。未写阶段的场景按结项阶段（closing）判定，基准日期默认为 2026-06-01：
  备案、完成、报告、结余退回等义务此时尚未到期，是待办事项。

  背景:
    假如规则集为 "liaoning-2026"
    并且以示例 "compliant" 为基础

  # ---------------------------------------------------------------- 总体
  场景: 材料齐全、按时报送的申报符合条件
    当判定
    那么结论为 "eligible"

  场景: 空的事实不能判定，缺少项目
    假如一份空的事实
    当判定
    那么结论为 "incomplete"
    并且缺少主体 "project"

  场景: 6月19日前材料齐全的申报，按申报阶段判定符合条件，以后各阶段的义务列为待办并写明日期
    假如阶段为 "application"
    当判定
    那么结论为 "eligible"
    并且结论说明包含 "1 项需人工核对"
    并且待办 "application-deadline" 的状态为 "done"
    并且待办 "plan-filing" 的状态为 "pending"
    并且待办 "plan-filing" 的截止日期为 "2026-07-10"
    并且待办 "actual-completion" 的截止日期为 "2026-11-30"
    并且待办 "summary-report" 的截止日期为 "2026-11-30"
    并且待办 "fund-report" 的截止日期为 "2026-11-30"
    并且待办 "surplus-return" 的状态为 "pending"
    并且待办 "surplus-return" 的截止日期为 "2026-11-30"
    并且规则 "plan-filing" 未判定（属于以后的阶段）
    并且规则 "emergency-plan" 未判定（属于以后的阶段）
    并且规则 "summary-report" 未判定（属于以后的阶段）

  场景: 按期完成并结项的项目，补上结项事实后按结项阶段判定，逐项检查各项义务
    假如基准日期为 "2026-12-15"
    并且 "project.plan_filed_on" 为 2026-07-08
    并且 "project.completed_on" 为 2026-10-31
    并且 "project.report_submitted_on" 为 2026-11-20
    并且 "project.fund_report_on" 为 2026-11-25
    并且 "project.expert_units_informed" 为 true
    并且 "project.surplus_wan" 为 0.4
    并且 "project.surplus_returned_on" 为 2026-11-26
    并且 "project.expenses" 为 [{category: expert_fees, amount_yuan: 18000}, {category: transport, amount_yuan: 2400}]
    并且 "project.venues" 为 [{name: 西丰县会议中心, scenic_area: false, above_standard_hotel: false}]
    当判定
    那么结论为 "eligible"
    并且规则 "application-deadline" 的结果为 "pass"
    并且规则 "plan-filing" 的结果为 "pass"
    并且规则 "emergency-plan" 的结果为 "pass"
    并且规则 "venue-restrictions" 的结果为 "pass"
    并且规则 "prohibited-expenses" 的结果为 "pass"
    并且规则 "actual-completion" 的结果为 "pass"
    并且规则 "summary-report" 的结果为 "pass"
    并且规则 "expert-unit-feedback" 的结果为 "pass"
    并且规则 "fund-report" 的结果为 "pass"
    并且规则 "surplus-return" 的结果为 "pass"
    并且待办 "plan-filing" 的状态为 "done"
    并且待办 "summary-report" 的截止日期为 "2026-11-30"
    并且待办 "summary-report" 的状态为 "done"
    并且待办 "surplus-return" 的状态为 "done"

  场景: 管理办法自2026-04-27施行，但本规则集自2026-05-15通知印发之日起选用
    当按地区 "辽宁" 和日期 "2026-05-15" 判定
    那么选用的规则集为 "liaoning-2026"

  场景: 通知印发前一日，辽宁尚无可判定2026年度申报的规则集
    当按地区 "liaoning" 和日期 "2026-05-14" 判定
    那么提示包含 "尚无生效的规则集"
    并且提示包含 "liaoning-2026 自 2026-05-15 起"

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

  场景: 学术造诣和业务能力无法从事实判定，列为需人工核对（第七条）
    假如阶段为 "application"
    当判定
    那么需人工核对的条目包含 "学术造诣"
    并且结论说明包含 "需人工核对"

  场景: 单独判定一位专家，也列出学术造诣的人工核对（第七条）
    假如删除 "project"
    并且删除 "listing"
    并且阶段为 "application"
    当判定
    那么规则 "expert-title" 对 "E1" 的结果为 "pass"
    并且结论为 "eligible"
    并且需人工核对的条目包含 "学术造诣"

  # ---------------------------------------------------------------- 项目与服务对象
  场景: 国家级项目不属于本通知受理范围（通知导语：省级专家服务基层项目）
    假如 "project.level" 为 national
    当判定
    那么规则 "project-level" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 申请表没有“项目层级”一栏，未填写层级不检查（通知导语）
    假如删除 "project.level"
    当判定
    那么规则 "project-level" 的结果为 "not_applicable"
    并且结论为 "eligible"

  场景: 未填报申报方向，材料不全（通知二、申报方向）
    假如删除 "project.direction"
    当判定
    那么规则 "project-direction" 的结果为 "missing"
    并且结论为 "incomplete"

  场景: 勾选了一种服务形式，该栏已填（通知三、1 按要求填报申请表）
    假如 "project.service_forms" 为 [free_clinic]
    当判定
    那么规则 "project-service-forms" 的结果为 "pass"

  场景: 未勾选任何服务形式，该栏未填，不符合条件（通知三、1 按要求填报申请表）
    假如 "project.service_forms" 为 []
    当判定
    那么规则 "project-service-forms" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 服务市级医院属于基层（第二条：市级以下事业单位，含市级）
    假如 "project.served_units" 为 [{name: 铁岭市中心医院, type: public_institution, level: city}]
    当判定
    那么规则 "served-unit-grassroots" 的结果为 "pass"

  场景: 服务省直事业单位不属于基层，不符合条件（第二条）
    假如 "project.served_units" 为 [{name: 辽宁省农业科学院, type: public_institution, level: provincial}]
    当判定
    那么规则 "served-unit-grassroots" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 服务街道办事处属于基层，按机关填报也一样（第二条：乡镇（街道））
    假如 "project.served_units" 为 [{name: 铁岭市银州区红旗街道办事处, type: government_agency, level: township}]
    当判定
    那么规则 "served-unit-grassroots" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 服务镇人民政府属于基层（第二条：乡镇（街道））
    假如 "project.served_units" 为 [{name: 西丰县天德镇人民政府, type: government_agency, level: township}]
    当判定
    那么规则 "served-unit-grassroots" 的结果为 "pass"

  场景: 服务县级机关不属于基层，不符合条件（第二条）
    假如 "project.served_units" 为 [{name: 西丰县农业农村局, type: government_agency, level: county}]
    当判定
    那么规则 "served-unit-grassroots" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 服务省乡村振兴重点帮扶县，符合鼓励方向（第二十条）
    当判定
    那么规则 "priority-key-counties" 的结果为 "pass"

  场景: 未服务省乡村振兴重点帮扶县只是提醒，不影响结论（第二十条）
    假如 "project.locations" 为 [{province: 辽宁省, city: 铁岭市, county: 昌图县, provincial_key_county: false}]
    当判定
    那么规则 "priority-key-counties" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 依托专家服务基地开展活动，符合支持方向（通知一）
    假如 "project.relies_on_base" 为 true
    并且 "project.base_level" 为 provincial
    并且 "project.base_name" 为 铁岭市鹿业专家服务基地
    当判定
    那么规则 "base-reliance-supported" 的结果为 "pass"
    并且规则 "application-form" 的结果为 "pass"

  场景: 不依托专家服务基地只是提醒，不影响结论（通知一）
    假如 "project.relies_on_base" 为 false
    当判定
    那么规则 "base-reliance-supported" 的结果为 "fail"
    并且结论为 "eligible"

  # ---------------------------------------------------------------- 申报材料与截止时间
  场景: 申请表缺少承办单位，材料不全（通知三、1）
    假如删除 "project.host_unit"
    当判定
    那么规则 "application-form" 的结果为 "missing"
    并且缺少事实 "project.host_unit"
    并且结论为 "incomplete"

  场景: 勾选依托专家服务基地但未注明基地级别，材料不全（附件1 是否依托专家服务基地）
    假如 "project.relies_on_base" 为 true
    当判定
    那么规则 "application-form" 的结果为 "missing"
    并且缺少事实 "project.base_level"
    并且结论为 "incomplete"

  场景: 依托基地但未填基地名称，材料不全（附件1 基地名称）
    假如 "project.relies_on_base" 为 true
    并且 "project.base_level" 为 provincial
    当判定
    那么规则 "application-form" 的结果为 "missing"
    并且缺少事实 "project.base_name"
    并且结论为 "incomplete"

  场景: 活动地点未填对口帮扶情况，材料不全（附件1 对口帮扶情况）
    假如删除 "project.locations[0].provincial_key_county"
    当判定
    那么规则 "application-form" 的结果为 "missing"
    并且缺少事实 "project.locations[0].provincial_key_county"
    并且结论为 "incomplete"

  场景: 未写向哪个部门提出申请，材料不全（管理办法第十条）
    假如删除 "project.recommender"
    当判定
    那么规则 "application-channel" 的结果为 "missing"
    并且缺少事实 "project.recommender"
    并且结论为 "incomplete"

  场景: 申请表未写经费来源，材料不全（附件1 二、经费保障：预算金额及来源）
    假如删除 "project.budget.sources"
    当判定
    那么规则 "application-form" 的结果为 "missing"
    并且缺少事实 "project.budget.sources"

  场景: 申请表未列参与服务的专家，材料不全（通知三、1 组建专家团队；附件1 参与服务专家人数）
    假如阶段为 "application"
    并且删除 "experts"
    当判定
    那么规则 "application-form" 的结果为 "missing"
    并且缺少事实 "experts"
    并且结论为 "incomplete"

  场景: 申请表参与服务专家人数为0，不符合条件（通知三、1 组建专家团队）
    假如阶段为 "application"
    并且 "experts" 为 []
    当判定
    那么规则 "application-form" 的结果为 "fail"
    并且规则 "application-form" 的说明包含 "参与服务专家人数：0"
    并且结论为 "ineligible"

  场景: 申请表列出3名参与服务的专家（附件1 参与服务专家人数）
    假如阶段为 "application"
    当判定
    那么规则 "application-form" 的结果为 "pass"
    并且规则 "application-form" 的说明包含 "参与服务专家人数：3"
    并且规则 "expert-title" 对 "E3" 的结果为 "pass"

  场景: 申请表一个服务单位也未列出，不符合条件（附件1、附件2 服务地区/单位）
    假如 "project.served_units" 为 []
    当判定
    那么规则 "application-form" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 实施方案草案八项俱全，符合条件（通知三、1）
    当判定
    那么规则 "plan-draft-sections" 的结果为 "pass"

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

  场景: 6月19日当天尚未报送，仍是待办（通知四、3）
    假如删除 "project.submitted_on"
    并且阶段为 "application"
    并且基准日期为 "2026-06-19"
    当判定
    那么规则 "application-deadline" 的结果为 "pending"
    并且待办 "application-deadline" 的状态为 "pending"
    并且结论为 "eligible"

  场景: 6月20日仍未报送，已逾期，不再受理（通知四、3）
    假如删除 "project.submitted_on"
    并且阶段为 "application"
    并且基准日期为 "2026-06-20"
    当判定
    那么规则 "application-deadline" 的结果为 "fail"
    并且待办 "application-deadline" 的状态为 "overdue"
    并且结论为 "ineligible"

  场景: 申请资助3万元，与资助标准一致（通知三、3）
    假如 "project.budget.requested_support_wan" 为 3
    当判定
    那么规则 "funding-support" 的结果为 "pass"

  场景: 申请资助超过3万元只是提醒，不影响结论（通知三、3：给予每个3万元资助）
    假如 "project.budget.requested_support_wan" 为 3.01
    当判定
    那么规则 "funding-support" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 承办单位上年度按时完成任务（第三十二条）
    当判定
    那么规则 "prior-year-completion" 的结果为 "pass"

  场景: 承办单位上年度未按时完成任务，本版只作提醒：第三十二条自2026年度计划起适用（第三十二条、第三十五条）
    假如 "project.host_incomplete_last_year" 为 true
    当判定
    那么规则 "prior-year-completion" 的结果为 "fail"
    并且结论为 "eligible"

  # ---------------------------------------------------------------- 推荐部门的一览表（通知三、2；第十一条）
  场景: 推荐部门6月19日当天报送一览表和书面推荐意见，符合条件（通知三、2）
    假如判定对象为 "listing"
    并且阶段为 "application"
    并且 "listing.submitted_on" 为 2026-06-19
    当判定
    那么规则 "listing-deadline" 的结果为 "pass"
    并且规则 "listing-recommendation" 的结果为 "pass"
    并且规则 "listing-entries-teams" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 推荐部门6月20日才报送一览表，逾期不再受理（通知三、2；四、3）
    假如判定对象为 "listing"
    并且 "listing.submitted_on" 为 2026-06-20
    当判定
    那么规则 "listing-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 推荐部门6月20日仍未报送一览表，已逾期（通知三、2）
    假如判定对象为 "listing"
    并且删除 "listing.submitted_on"
    并且基准日期为 "2026-06-20"
    当判定
    那么规则 "listing-deadline" 的结果为 "fail"
    并且待办 "listing-deadline" 的状态为 "overdue"
    并且待办 "listing-deadline" 的截止日期为 "2026-06-19"

  场景: 一览表未附书面推荐意见，不符合条件（第十一条）
    假如判定对象为 "listing"
    并且 "listing.recommendation_opinion" 为 false
    当判定
    那么规则 "listing-recommendation" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 未说明是否附书面推荐意见，材料不全（第十一条）
    假如判定对象为 "listing"
    并且删除 "listing.recommendation_opinion"
    当判定
    那么规则 "listing-recommendation" 的结果为 "missing"
    并且缺少事实 "listing.recommendation_opinion"
    并且结论为 "incomplete"

  场景: 一览表混入专家服务基地，不属本通知受理范围（通知导语）
    假如判定对象为 "listing"
    并且 "listing.entries" 为 [{project_id: LN-2026-017, kind: team}, {project_id: LN-JD-2026-003, kind: base}]
    当判定
    那么规则 "listing-entries-teams" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 一览表一个项目也未列，不符合条件（通知三、2 汇总填写一览表）
    假如判定对象为 "listing"
    并且 "listing.entries" 为 []
    当判定
    那么规则 "listing-entries-teams" 的结果为 "fail"

  场景: 申报材料电子版是否发送邮箱，列为推荐部门的人工核对（通知三、2）
    假如判定对象为 "listing"
    当判定
    那么需人工核对的条目包含 "电子版"
    并且结论说明包含 "需人工核对"

  场景: 单独的一览表也要有推荐部门的事实，否则缺少一览表
    假如一份空的事实
    并且判定对象为 "listing"
    当判定
    那么结论为 "incomplete"
    并且缺少主体 "listing"

  # ---------------------------------------------------------------- 方案备案（第十四条）
  场景: 方案恰在开展前10日备案，符合条件（第十四条）
    假如 "project.plan_filed_on" 为 2026-07-10
    当判定
    那么规则 "plan-filing" 的结果为 "pass"

  场景: 方案在开展前9日备案，不符合条件（第十四条）
    假如 "project.plan_filed_on" 为 2026-07-11
    当判定
    那么规则 "plan-filing" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 尚未备案，开展前第10日当天仍是待办（第十四条）
    假如基准日期为 "2026-07-10"
    当判定
    那么规则 "plan-filing" 的结果为 "pending"
    并且待办 "plan-filing" 的状态为 "pending"
    并且待办 "plan-filing" 的截止日期为 "2026-07-10"
    并且结论为 "eligible"

  场景: 开展前第9日仍未备案，已逾期（第十四条）
    假如基准日期为 "2026-07-11"
    当判定
    那么规则 "plan-filing" 的结果为 "fail"
    并且待办 "plan-filing" 的状态为 "overdue"
    并且结论为 "ineligible"

  场景: 按备案阶段判定，实施与结项的规则尚未判定
    假如阶段为 "filing"
    当判定
    那么规则 "plan-filing" 的结果为 "pending"
    并且规则 "emergency-plan" 未判定（属于以后的阶段）
    并且规则 "fund-report" 未判定（属于以后的阶段）
    并且结论为 "eligible"

  场景: 方案经协办单位审核，列为备案阶段的人工核对（第十四条）
    假如阶段为 "filing"
    当判定
    那么需人工核对的条目包含 "方案经协办单位审核后"

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

  场景: 方案未经同意擅自变更，不符合条件（第二十二条）
    假如 "project.plan_changed_without_approval" 为 true
    当判定
    那么规则 "no-unapproved-change" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 经省人社厅同意后转交第三方实施，不是“随意”转交（第二十二条）
    假如 "project.transferred_to_third_party" 为 true
    并且 "project.third_party_transfer_approved" 为 true
    当判定
    那么规则 "no-third-party" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 未经同意转交第三方实施，不符合条件（第二十二条）
    假如 "project.transferred_to_third_party" 为 true
    并且 "project.third_party_transfer_approved" 为 false
    当判定
    那么规则 "no-third-party" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 转交第三方但未说明是否经同意，材料不全（第二十二条）
    假如 "project.transferred_to_third_party" 为 true
    当判定
    那么规则 "no-third-party" 的结果为 "missing"
    并且缺少事实 "project.third_party_transfer_approved"

  场景: 未制定应急预案，不符合条件（第二十三条）
    假如 "project.emergency_plan" 为 false
    当判定
    那么规则 "emergency-plan" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 邀请境外（含港澳台）专家并已履行外事审批，符合条件（第二十三条）
    假如 "project.foreign_experts" 为 true
    并且 "project.foreign_affairs_approved" 为 true
    当判定
    那么规则 "foreign-experts-approval" 的结果为 "pass"

  场景: 邀请香港专家未履行外事审批，不符合条件：境外不限于外籍（第二十三条）
    假如 "project.foreign_experts" 为 true
    并且 "project.foreign_affairs_approved" 为 false
    当判定
    那么规则 "foreign-experts-approval" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 未邀请境外专家，不涉及外事审批（第二十三条）
    当判定
    那么规则 "foreign-experts-approval" 的结果为 "not_applicable"

  场景: 项目一栏填“否”但专家名单中有境外专家，审批未填即材料不全（第二十三条）
    假如阶段为 "implementation"
    并且基准日期为 "2026-07-25"
    并且 "project.plan_filed_on" 为 2026-07-08
    并且 "experts[1].foreign" 为 true
    当判定
    那么规则 "foreign-experts-approval" 的结果为 "missing"
    并且缺少事实 "project.foreign_affairs_approved"
    并且结论为 "incomplete"

  场景: 专家名单中的境外专家未履行外事审批，不符合条件（第二十三条）
    假如 "experts[1].foreign" 为 true
    并且 "project.foreign_affairs_approved" 为 false
    当判定
    那么规则 "foreign-experts-approval" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 专家名单中的境外专家已履行外事审批，符合条件（第二十三条）
    假如 "experts[1].foreign" 为 true
    并且 "project.foreign_affairs_approved" 为 true
    当判定
    那么规则 "foreign-experts-approval" 的结果为 "pass"

  场景: 专家名单中没有境外专家，不涉及外事审批（第二十三条）
    假如 "experts[0].foreign" 为 false
    并且 "experts[1].foreign" 为 false
    当判定
    那么规则 "foreign-experts-approval" 的结果为 "not_applicable"

  场景: 安全保障和保密要求无法从事实判定，列为实施阶段的人工核对（第二十三条）
    假如阶段为 "implementation"
    当判定
    那么需人工核对的条目包含 "商业秘密"
    并且需人工核对的条目包含 "安全保障"

  场景: 在县会议中心开会，符合条件（第二十四条）
    假如 "project.venues" 为 [{name: 西丰县会议中心, scenic_area: false, above_standard_hotel: false}]
    当判定
    那么规则 "venue-restrictions" 的结果为 "pass"

  场景: 在风景名胜区开会，不符合条件（第二十四条）
    假如 "project.venues" 为 [{name: 冰砬山景区会议中心, scenic_area: true, above_standard_hotel: false}]
    当判定
    那么规则 "venue-restrictions" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 已完成的项目未列活动场所和经费支出，材料不全（第二十四条、第二十九条）
    假如 "project.completed_on" 为 2026-10-31
    并且 删除 "project.venues"
    并且 删除 "project.expenses"
    当判定
    那么规则 "venue-restrictions" 的结果为 "missing"
    并且规则 "prohibited-expenses" 的结果为 "missing"
    并且缺少事实 "project.venues"
    并且缺少事实 "project.expenses"
    并且结论为 "incomplete"

  场景: 实施中未列活动场所和经费支出也是材料不全，不作“不适用”（第二十四条、第二十九条）
    假如 阶段为 "implementation"
    并且 删除 "project.venues"
    并且 删除 "project.expenses"
    当判定
    那么规则 "venue-restrictions" 的结果为 "missing"
    并且规则 "prohibited-expenses" 的结果为 "missing"
    并且结论为 "incomplete"

  场景: 实施中还没有活动场所和支出，填“无”即符合（第二十四条、第二十九条）
    假如 阶段为 "implementation"
    并且 "project.venues" 为 []
    并且 "project.expenses" 为 []
    当判定
    那么规则 "venue-restrictions" 的结果为 "pass"
    并且规则 "prohibited-expenses" 的结果为 "pass"

  # ---------------------------------------------------------------- 结项：完成与报告
  场景: 项目实际于11月30日完成，符合条件（通知四、2）
    假如 "project.completed_on" 为 2026-11-30
    当判定
    那么规则 "actual-completion" 的结果为 "pass"

  场景: 项目实际于12月1日完成，不符合条件（通知四、2）
    假如 "project.completed_on" 为 2026-12-01
    当判定
    那么规则 "actual-completion" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 11月30日尚未完成，仍是待办（通知四、2）
    假如基准日期为 "2026-11-30"
    并且 "project.plan_filed_on" 为 2026-07-08
    当判定
    那么规则 "actual-completion" 的结果为 "pending"
    并且待办 "actual-completion" 的状态为 "pending"
    并且结论为 "eligible"

  场景: 12月1日仍未完成，已逾期（通知四、2）
    假如基准日期为 "2026-12-01"
    并且 "project.plan_filed_on" 为 2026-07-08
    当判定
    那么规则 "actual-completion" 的结果为 "fail"
    并且待办 "actual-completion" 的状态为 "overdue"
    并且结论为 "ineligible"

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

  场景: 10月15日完成，11月15日当天尚未提交总结报告，仍是待办（第十七条）
    假如 "project.completed_on" 为 2026-10-15
    并且基准日期为 "2026-11-15"
    当判定
    那么规则 "summary-report" 的结果为 "pending"
    并且待办 "summary-report" 的截止日期为 "2026-11-15"
    并且待办 "summary-report" 的状态为 "pending"

  场景: 10月15日完成，11月16日仍未提交总结报告，已逾期（第十七条）
    假如 "project.completed_on" 为 2026-10-15
    并且基准日期为 "2026-11-16"
    当判定
    那么规则 "summary-report" 的结果为 "fail"
    并且待办 "summary-report" 的状态为 "overdue"
    并且结论为 "ineligible"

  场景: 尚未完成时，总结报告的截止日期按计划结束日推算（第十七条）
    当判定
    那么待办 "summary-report" 的截止日期为 "2026-11-30"
    并且待办 "fund-report" 的截止日期为 "2026-11-30"

  场景: 已向专家所在单位反馈服务情况，符合条件（第十七条）
    假如 "project.completed_on" 为 2026-10-31
    并且 "project.expert_units_informed" 为 true
    当判定
    那么规则 "expert-unit-feedback" 的结果为 "pass"

  场景: 完成后未向专家所在单位反馈服务情况，不符合条件（第十七条）
    假如 "project.completed_on" 为 2026-10-31
    并且 "project.expert_units_informed" 为 false
    当判定
    那么规则 "expert-unit-feedback" 的结果为 "fail"
    并且结论为 "ineligible"

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

  场景: 有结余、11月30日当天尚未退回，仍是待办（第二十七条）
    假如 "project.surplus_wan" 为 0.6
    并且基准日期为 "2026-11-30"
    当判定
    那么规则 "surplus-return" 的结果为 "pending"
    并且待办 "surplus-return" 的状态为 "pending"

  场景: 有结余、12月1日仍未退回，已逾期（第二十七条）
    假如 "project.surplus_wan" 为 0.6
    并且基准日期为 "2026-12-01"
    当判定
    那么规则 "surplus-return" 的结果为 "fail"
    并且待办 "surplus-return" 的状态为 "overdue"

  场景: 没有结余，不涉及退回（第二十七条）
    假如 "project.surplus_wan" 为 0
    当判定
    那么规则 "surplus-return" 的结果为 "not_applicable"

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

  场景: 资助经费用于保险，不在列举之内但列举是开放的，只作对照（第二十八条：主要包括……等）
    假如 "project.expenses" 为 [{category: insurance, amount_yuan: 600}]
    当判定
    那么规则 "allowed-expenses" 的结果为 "fail"
    并且规则 "prohibited-expenses" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 截留挤占和小金库须查账，列为人工核对（第二十九条）
    假如阶段为 "implementation"
    当判定
    那么需人工核对的条目包含 "小金库"

  # ---------------------------------------------------------------- 专家权益（第二十六条）
  场景: 服务基层时间可折算为继续教育学时，业绩可作为职称评聘依据
    当判定
    那么规则 "continuing-education-hours" 对 "E1" 的结果为 "pass"
    并且规则 "title-evaluation-credit" 对 "E1" 的结果为 "pass"

  场景: 本年度未到基层服务的专家不享有折算，但不影响项目结论
    假如 "experts[0].service_days_in_year" 为 0
    当判定
    那么规则 "continuing-education-hours" 对 "E1" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 取得显著业绩的专家在职称评聘方面予以倾斜（第二十六条）
    假如 "experts[0].notable_achievement" 为 true
    当判定
    那么规则 "title-tilt-notable-performance" 对 "E1" 的结果为 "pass"

  场景: 服务了基层但未取得显著业绩，不享有职称评聘倾斜（第二十六条）
    假如 "experts[1].service_days_in_year" 为 1
    并且 "experts[1].notable_achievement" 为 false
    当判定
    那么规则 "title-evaluation-credit" 对 "E2" 的结果为 "pass"
    并且规则 "title-tilt-notable-performance" 对 "E2" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 按申报阶段判定，专家权益尚未判定
    假如阶段为 "application"
    当判定
    那么规则 "continuing-education-hours" 未判定（属于以后的阶段）
