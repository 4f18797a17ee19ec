# language: zh-CN
功能: 上海市2022年国家和本市专家服务基层项目申报（shanghai-2022）
  依据《上海市人力资源和社会保障局关于组织申报2022年国家和本市专家服务基层项目的通知》（2022-01-18）。
  本通知受理国家级和市级专家服务团、专家服务基地；各委办局、区人社局评估后于2022年1月30日前（含当日）
  将书面材料函报市人社局，每单位申报不超过1个项目或基地。2026-01-19 起由沪人社专〔2026〕14号取代。
  未写阶段的场景按结项（closing）判定；判定对象按事实推断（有 project 即申报项目）。

  背景:
    假如规则集为 "shanghai-2022"
    并且以示例 "compliant" 为基础

  场景: 上海2022 材料齐全、按期报送的市级专家服务团申报符合条件，另有需人工核对的条目
    当判定
    那么结论为 "eligible"
    并且结论说明包含 "4 项需人工核对"
    并且需人工核对的条目包含 "学术造诣"
    并且需人工核对的条目包含 "本职工作"
    并且需人工核对的条目包含 "单位盖章后"

  场景: 上海2022 申报阶段同样符合条件
    假如阶段为 "application"
    当判定
    那么结论为 "eligible"
    并且结论说明包含 "需人工核对"

  场景: 上海2022 空的事实缺少项目，材料不全
    假如一份空的事实
    当判定
    那么结论为 "incomplete"
    并且缺少主体 "project"

  场景: 上海2022 服务团未列服务专家，材料不全（二（一）组织专家到基层开展服务活动）
    假如阶段为 "application"
    并且删除 "experts"
    当判定
    那么规则 "team-experts" 的结果为 "missing"
    并且缺少事实 "experts"
    并且结论为 "incomplete"

  场景: 上海2022 服务团专家名单为空，不符合条件（二（一）组织专家到基层开展服务活动）
    假如阶段为 "application"
    并且 "experts" 为 []
    当判定
    那么规则 "team-experts" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 上海2022 服务团列出了服务专家（二（一）组织专家到基层开展服务活动）
    当判定
    那么规则 "team-experts" 的结果为 "pass"
    并且规则 "team-experts" 的说明包含 "服务专家人数："

  # ---------------------------------------------------------------- 一、专家遴选范围和条件
  场景: 上海2022 专家具有副高级职称，符合职称条件（一、专家一般应具有副高级及以上专业技术职称）
    假如 "experts[0].title" 为 associate_senior
    当判定
    那么规则 "expert-title" 对 "E1" 的结果为 "pass"

  场景: 上海2022 专家只有中级职称只作提醒，不影响结论（一、专家一般应具有副高级及以上专业技术职称）
    假如 "experts[0].title" 为 intermediate
    当判定
    那么规则 "expert-title" 对 "E1" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 上海2022 专家缺乏服务基层意愿只作提醒（一、一般应具有服务基层的良好意愿）
    假如 "experts[1].willing" 为 false
    当判定
    那么规则 "expert-willing" 对 "E2" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 上海2022 专家身体欠佳只作提醒（一、一般应身体健康）
    假如 "experts[1].healthy" 为 false
    当判定
    那么规则 "expert-healthy" 对 "E2" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 上海2022 专家难以适应基层环境只作提醒（一、一般应能够适应基层的工作、生活环境）
    假如 "experts[2].adaptable" 为 false
    当判定
    那么规则 "expert-adaptable" 对 "E3" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 上海2022 专家服务基层经单位批准（一、专家服务基层应经单位批准）
    假如 "experts[0].employer_approved" 为 true
    当判定
    那么规则 "expert-employer-approval" 对 "E1" 的结果为 "pass"

  场景: 上海2022 专家未经单位批准，申报不符合条件（一、专家服务基层应经单位批准）
    假如 "experts[0].employer_approved" 为 false
    当判定
    那么规则 "expert-employer-approval" 对 "E1" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 上海2022 未说明专家是否经单位批准，申报待补充（一、专家服务基层应经单位批准）
    假如删除 "experts[0].employer_approved"
    当判定
    那么规则 "expert-employer-approval" 对 "E1" 的结果为 "missing"
    并且缺少事实 "experts[0].employer_approved"
    并且结论为 "incomplete"

  场景: 上海2022 专家为高层次留学回国人才，属于重点联系专家（一、专家主要为……重点联系专家）
    假如 "experts[0].honors" 为 [returnee]
    当判定
    那么规则 "expert-priority" 对 "E1" 的结果为 "pass"

  场景: 上海2022 长江学者属于“其他高层次人才”，开放列举不把他当作例外（一、以及其他……高层次人才）
    假如 "experts[0].honors" 为 [changjiang]
    当判定
    那么规则 "expert-priority" 对 "E1" 的结果为 "pass"

  场景: 上海2022 专家没有所列人才称号只作提示，并由推荐部门人工判断（一、专家主要为……）
    假如 "experts[0].honors" 为 []
    当判定
    那么规则 "expert-priority" 对 "E1" 的结果为 "fail"
    并且结论为 "eligible"
    并且需人工核对的条目包含 "其他基层经济社会发展需要的高层次人才"

  # ---------------------------------------------------------------- 项目层级与范围
  场景: 上海2022 国家级专家服务团可以申报（导语：国家和本市专家服务基层项目）
    假如 "project.level" 为 national
    当判定
    那么规则 "project-level" 的结果为 "pass"

  场景: 上海2022 省级项目不属于本通知受理范围（导语：国家和本市专家服务基层项目）
    假如 "project.level" 为 provincial
    当判定
    那么规则 "project-level" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 上海2022 通知未要求填报层级，未写层级不作判定，也不因此材料不全
    假如删除 "project.level"
    当判定
    那么规则 "project-level" 的结果为 "not_applicable"
    并且规则 "municipal-scope" 的结果为 "not_applicable"
    并且规则 "priority-key-counties" 的结果为 "not_applicable"
    并且结论为 "eligible"

  场景: 上海2022 市级项目在本市范围内开展（三（二）市级专家服务基层工作项目在本市范围内开展）
    假如 "project.locations" 为 [{province: 上海, county: 奉贤区}, {province: 上海市, county: 崇明区}]
    当判定
    那么规则 "municipal-scope" 的结果为 "pass"

  场景: 上海2022 市级项目到外省开展服务，不符合条件（三（二）市级专家服务基层工作项目在本市范围内开展）
    假如 "project.locations" 为 [{province: 上海市, county: 崇明区}, {province: 江苏省, county: 启东市}]
    当判定
    那么规则 "municipal-scope" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 上海2022 国家级项目不受“本市范围内开展”限制（三（二））
    假如 "project.level" 为 national
    当判定
    那么规则 "municipal-scope" 的结果为 "not_applicable"

  场景: 上海2022 国家级项目服务国家乡村振兴重点帮扶县（三（一）优先满足重点帮扶县迫切需要）
    假如 "project.level" 为 national
    并且 "project.locations" 为 [{province: 云南省, city: 曲靖市, county: 会泽县, national_key_county: true}]
    当判定
    那么规则 "priority-key-counties" 的结果为 "pass"

  场景: 上海2022 国家级项目未服务重点帮扶县只作提示（三（一）优先满足重点帮扶县迫切需要）
    假如 "project.level" 为 national
    并且 "project.locations" 为 [{province: 云南省, city: 昆明市, county: 呈贡区, national_key_county: false}]
    当判定
    那么规则 "priority-key-counties" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 上海2022 国家级项目到西部地区服务（三（一）鼓励组织专家到西部等欠发达地区）
    假如 "project.level" 为 national
    并且 "project.locations" 为 [{province: 新疆维吾尔自治区, county: 伽师县}]
    当判定
    那么规则 "national-underdeveloped-areas" 的结果为 "pass"

  场景: 上海2022 国家级项目只在东部服务只作提示（三（一）鼓励组织专家到西部等欠发达地区）
    假如 "project.level" 为 national
    并且 "project.locations" 为 [{province: 江西省, county: 井冈山市}]
    当判定
    那么规则 "national-underdeveloped-areas" 的结果为 "fail"
    并且结论为 "eligible"

  # ---------------------------------------------------------------- 二（二）专家服务基地
  场景: 上海2022 基地申报材料齐全、按期报送，符合条件（判定对象为基地）
    假如以示例 "base" 为基础
    当判定
    那么结论为 "eligible"
    并且结论说明包含 "3 项需人工核对"
    并且需人工核对的条目包含 "承载能力"
    并且需人工核对的条目包含 "专家服务基地申报表》已由申报单位盖章"

  场景: 上海2022 基地每年参加人数恰为50人次，符合条件（二（二）参加人数不少于50人次）
    假如以示例 "base" 为基础
    并且 "base.annual_participants" 为 50
    当判定
    那么规则 "base-participants" 的结果为 "pass"

  场景: 上海2022 基地每年参加人数49人次，不符合条件（二（二）参加人数不少于50人次）
    假如以示例 "base" 为基础
    并且 "base.annual_participants" 为 49
    当判定
    那么规则 "base-participants" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 上海2022 依托农村合作组织设立基地（二（二）主要依托……等设立）
    假如以示例 "base" 为基础
    并且 "base.host_type" 为 rural_cooperative
    当判定
    那么规则 "base-host-type" 的结果为 "pass"

  场景: 上海2022 依托其他基层单位设立基地只作提示，“确有需要”由人工核对（二（二）支持确有需要的其他基层单位）
    假如以示例 "base" 为基础
    并且 "base.host_type" 为 other
    当判定
    那么规则 "base-host-type" 的结果为 "fail"
    并且结论为 "eligible"
    并且需人工核对的条目包含 "确有需要"

  场景: 上海2022 市级基地可以申报（三（二）市级专家服务基地）
    假如以示例 "base" 为基础
    当判定
    那么规则 "base-level" 的结果为 "pass"

  场景: 上海2022 省级基地不属于本通知受理范围（三、国家级和市级专家服务基地）
    假如以示例 "base" 为基础
    并且 "base.level" 为 provincial
    当判定
    那么规则 "base-level" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 上海2022 未写基地级别不作判定
    假如以示例 "base" 为基础
    并且删除 "base.level"
    当判定
    那么规则 "base-level" 的结果为 "not_applicable"
    并且规则 "national-base-nationwide" 的结果为 "not_applicable"
    并且结论为 "eligible"

  场景: 上海2022 依托单位对基地给予日常经费保障（四、依托单位应对基地给予日常经费保障）
    假如以示例 "base" 为基础
    并且 "base.host_daily_funding" 为 true
    当判定
    那么规则 "base-host-funding" 的结果为 "pass"

  场景: 上海2022 依托单位不给予日常经费保障，不符合条件（四、依托单位应对基地给予日常经费保障）
    假如以示例 "base" 为基础
    并且 "base.host_daily_funding" 为 false
    当判定
    那么规则 "base-host-funding" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 上海2022 日常经费保障属实施阶段，申报阶段不判定（四、依托单位应对基地给予日常经费保障）
    假如以示例 "base" 为基础
    并且 "base.host_daily_funding" 为 false
    并且阶段为 "application"
    当判定
    那么规则 "base-host-funding" 未判定（属于以后的阶段）
    并且结论为 "eligible"

  场景: 上海2022 未写基地名称，基地申报表待补充（四、填写《专家服务基地申报表》）
    假如以示例 "base" 为基础
    并且删除 "base.name"
    当判定
    那么规则 "base-application-form" 的结果为 "missing"
    并且缺少事实 "base.name"
    并且结论为 "incomplete"

  场景: 上海2022 面向全国服务的基地申报国家级基地（三（一）国家级基地优先从面向全国服务的市级基地中遴选）
    假如以示例 "base" 为基础
    并且 "base.level" 为 national
    并且 "base.serves_nationwide" 为 true
    当判定
    那么规则 "national-base-nationwide" 的结果为 "pass"

  场景: 上海2022 只在本市服务的基地申报国家级基地只作提示（三（一））
    假如以示例 "base" 为基础
    并且 "base.level" 为 national
    当判定
    那么规则 "national-base-nationwide" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 上海2022 市级基地不适用国家级基地的遴选优先（三（一））
    假如以示例 "base" 为基础
    当判定
    那么规则 "national-base-nationwide" 的结果为 "not_applicable"

  # ---------------------------------------------------------------- 四、申报要求：申报表与截止日
  场景: 上海2022 申报表写明项目名称、申报单位和推荐部门，单位盖章由人工核对（四、申报人填写申报表，单位盖章后提交）
    当判定
    那么规则 "application-form" 的结果为 "pass"
    并且需人工核对的条目包含 "服务团项目申报表》已由申报单位盖章"

  场景: 上海2022 申报表未写推荐部门，材料不全（四、提交上级主管部门或区人社局）
    假如删除 "project.recommender"
    当判定
    那么规则 "application-form" 的结果为 "missing"
    并且缺少事实 "project.recommender"
    并且结论为 "incomplete"

  场景: 上海2022 截止当天1月30日提交，推荐部门仍可按期函报（四、于2022年1月30日前函报，含当日）
    假如 "project.submitted_on" 为 2022-01-30
    当判定
    那么规则 "application-deadline" 的结果为 "pass"
    并且待办 "application-deadline" 的状态为 "done"

  场景: 上海2022 1月31日才提交，推荐部门已无法按期函报（四、于2022年1月30日前函报）
    假如 "project.submitted_on" 为 2022-01-31
    当判定
    那么规则 "application-deadline" 的结果为 "fail"
    并且待办 "application-deadline" 的状态为 "done_late"
    并且结论为 "ineligible"

  场景: 上海2022 截止日当天尚未提交，仍是待办（四、于2022年1月30日前函报，含当日）
    假如删除 "project.submitted_on"
    并且基准日期为 "2022-01-30"
    并且阶段为 "application"
    当判定
    那么规则 "application-deadline" 的结果为 "pending"
    并且待办 "application-deadline" 的状态为 "pending"
    并且待办 "application-deadline" 的截止日期为 "2022-01-30"
    并且结论为 "eligible"

  场景: 上海2022 截止日次日仍未提交，已逾期（四、于2022年1月30日前函报）
    假如删除 "project.submitted_on"
    并且基准日期为 "2022-01-31"
    并且阶段为 "application"
    当判定
    那么规则 "application-deadline" 的结果为 "fail"
    并且待办 "application-deadline" 的状态为 "overdue"
    并且结论为 "ineligible"

  场景: 上海2022 基地材料截止当天提交，符合条件（四、于2022年1月30日前函报）
    假如以示例 "base" 为基础
    并且 "base.submitted_on" 为 2022-01-30
    当判定
    那么规则 "base-deadline" 的结果为 "pass"

  场景: 上海2022 基地材料1月31日才提交，已逾期（四、于2022年1月30日前函报）
    假如以示例 "base" 为基础
    并且 "base.submitted_on" 为 2022-01-31
    当判定
    那么规则 "base-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 上海2022 基地材料截止前尚未提交，是待办（四、于2022年1月30日前函报）
    假如以示例 "base" 为基础
    并且删除 "base.submitted_on"
    并且基准日期为 "2022-01-25"
    当判定
    那么规则 "base-deadline" 的结果为 "pending"
    并且待办 "base-deadline" 的状态为 "pending"

  # ---------------------------------------------------------------- 四、申报要求：推荐部门的一览表
  场景: 上海2022 推荐部门截止当天函报一览表，符合条件（四、于2022年1月30日前函报）
    假如判定对象为 "listing"
    并且 "listing.submitted_on" 为 2022-01-30
    当判定
    那么规则 "listing-deadline" 的结果为 "pass"
    并且结论为 "eligible"
    并且需人工核对的条目包含 "进行评估"

  场景: 上海2022 推荐部门1月31日函报一览表，已逾期（四、于2022年1月30日前函报）
    假如判定对象为 "listing"
    并且 "listing.submitted_on" 为 2022-01-31
    当判定
    那么规则 "listing-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 上海2022 推荐部门截止日当天尚未函报，仍是待办；次日起逾期（四、于2022年1月30日前函报）
    假如判定对象为 "listing"
    并且删除 "listing.submitted_on"
    并且基准日期为 "2022-01-30"
    当判定
    那么待办 "listing-deadline" 的状态为 "pending"
    并且规则 "listing-deadline" 的结果为 "pending"

  场景: 上海2022 推荐部门截止日次日仍未函报，已逾期（四、于2022年1月30日前函报）
    假如判定对象为 "listing"
    并且删除 "listing.submitted_on"
    并且基准日期为 "2022-01-31"
    当判定
    那么待办 "listing-deadline" 的状态为 "overdue"
    并且规则 "listing-deadline" 的结果为 "fail"

  场景: 上海2022 推荐部门只申报1个项目，符合名额（四、每单位申报不超过1个项目或基地）
    假如判定对象为 "listing"
    并且 "listing.entries" 为 [{project_id: SH-2022-008, kind: team}]
    当判定
    那么规则 "listing-quota" 的结果为 "pass"

  场景: 上海2022 推荐部门同时申报1个项目和1个基地，超出名额（四、每单位申报不超过1个项目或基地，项目与基地合计）
    假如判定对象为 "listing"
    并且 "listing.entries" 为 [{project_id: SH-2022-008, kind: team}, {project_id: JD-2022-003, kind: base}]
    当判定
    那么规则 "listing-quota" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 上海2022 申报项目的判定不含推荐部门的一览表
    假如 "listing.entries" 为 [{project_id: SH-2022-008, kind: team}, {project_id: JD-2022-003, kind: base}]
    当判定
    那么结论为 "eligible"

  # ---------------------------------------------------------------- 四、经费与权益（以后的阶段）
  场景: 上海2022 资助经费用于保险和基地专家补贴（四、资助经费主要用于……等）
    假如 "project.expenses" 为 [{category: insurance, amount_yuan: 800}, {category: base_subsidy, amount_yuan: 6000}]
    当判定
    那么规则 "allowed-expenses" 的结果为 "pass"

  场景: 上海2022 资助经费列支所列之外的专家劳务费只作提示，开放列举不构成违反（四、主要用于……等）
    假如 "project.expenses" 为 [{category: food_lodging, amount_yuan: 8000}, {category: expert_fees, amount_yuan: 20000}]
    当判定
    那么规则 "allowed-expenses" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 上海2022 尚未发生支出时不检查经费用途（四、资助经费主要用途）
    假如删除 "project.expenses"
    当判定
    那么规则 "allowed-expenses" 的结果为 "not_applicable"

  场景: 上海2022 经费用途属实施阶段，申报阶段不判定
    假如阶段为 "application"
    当判定
    那么规则 "allowed-expenses" 未判定（属于以后的阶段）
    并且规则 "talent-selection-priority" 未判定（属于以后的阶段）

  场景: 上海2022 作出突出贡献的专家在重大人才项目选拔中优先遴选推荐（四、权益）
    假如 "experts[1].outstanding_contribution" 为 true
    当判定
    那么规则 "talent-selection-priority" 对 "E2" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 上海2022 未经认定作出突出贡献的专家不享有优先遴选推荐（四、权益）
    假如 "experts[0].outstanding_contribution" 为 false
    当判定
    那么规则 "talent-selection-priority" 对 "E1" 的结果为 "fail"
    并且结论为 "eligible"

  # ---------------------------------------------------------------- 按地区和日期选用版本
  场景: 上海2022 2022年按地区选用本通知
    当按地区 "shanghai" 和日期 "2022-06-01" 判定
    那么选用的规则集为 "shanghai-2022"
