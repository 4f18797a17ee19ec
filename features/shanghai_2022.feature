# language: zh-CN
功能: 上海市2022年国家和本市专家服务基层项目申报（shanghai-2022）
  依据《上海市人力资源和社会保障局关于组织申报2022年国家和本市专家服务基层项目的通知》（2022-01-18）。
  本通知受理国家级和市级专家服务团、专家服务基地；书面材料于2022年1月30日前报市人社局，
  每单位申报不超过1个项目或基地。2026-01-19 起由沪人社专〔2026〕14号取代。

  背景:
    假如规则集为 "shanghai-2022"
    并且以示例 "compliant" 为基础

  场景: 材料齐全、按期报送的市级专家服务团申报符合条件
    当判定
    那么结论为 "eligible"

  # ---------------------------------------------------------------- 一、专家遴选范围和条件
  场景: 专家具有副高级职称，符合职称条件（一、专家一般应具有副高级及以上专业技术职称）
    假如 "experts[0].title" 为 associate_senior
    当判定
    那么规则 "expert-title" 对 "E1" 的结果为 "pass"

  场景: 专家只有中级职称只作提醒，不影响结论（一、专家一般应具有副高级及以上专业技术职称）
    假如 "experts[0].title" 为 intermediate
    当判定
    那么规则 "expert-title" 对 "E1" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 专家缺乏服务基层意愿只作提醒（一、一般应具有服务基层的良好意愿）
    假如 "experts[1].willing" 为 false
    当判定
    那么规则 "expert-willing" 对 "E2" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 专家身体欠佳只作提醒（一、一般应身体健康）
    假如 "experts[1].healthy" 为 false
    当判定
    那么规则 "expert-healthy" 对 "E2" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 专家难以适应基层环境只作提醒（一、一般应能够适应基层的工作、生活环境）
    假如 "experts[2].adaptable" 为 false
    当判定
    那么规则 "expert-adaptable" 对 "E3" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 专家服务基层经单位批准（一、专家服务基层应经单位批准）
    假如 "experts[0].employer_approved" 为 true
    当判定
    那么规则 "expert-employer-approval" 对 "E1" 的结果为 "pass"

  场景: 专家未经单位批准，申报不符合条件（一、专家服务基层应经单位批准）
    假如 "experts[0].employer_approved" 为 false
    当判定
    那么规则 "expert-employer-approval" 对 "E1" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 未说明专家是否经单位批准，申报待补充（一、专家服务基层应经单位批准）
    假如删除 "experts[0].employer_approved"
    当判定
    那么规则 "expert-employer-approval" 对 "E1" 的结果为 "missing"
    并且缺少事实 "experts[0].employer_approved"
    并且结论为 "incomplete"

  场景: 专家为高层次留学回国人才，属于重点联系专家（一、专家主要为重点联系专家）
    假如 "experts[0].honors" 为 [returnee]
    当判定
    那么规则 "expert-priority" 对 "E1" 的结果为 "pass"

  场景: 专家不属于重点联系专家只作提示（一、专家主要为重点联系专家）
    假如 "experts[0].honors" 为 []
    当判定
    那么规则 "expert-priority" 对 "E1" 的结果为 "fail"
    并且结论为 "eligible"

  # ---------------------------------------------------------------- 项目层级与范围
  场景: 国家级专家服务团可以申报（导语：国家和本市专家服务基层项目）
    假如 "project.level" 为 national
    当判定
    那么规则 "project-level" 的结果为 "pass"

  场景: 省级项目不属于本通知受理范围（导语：国家和本市专家服务基层项目）
    假如 "project.level" 为 provincial
    当判定
    那么规则 "project-level" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 市级项目在本市范围内开展（三（二）市级专家服务基层工作项目在本市范围内开展）
    假如 "project.locations" 为 [{province: 上海, county: 奉贤区}, {province: 上海市, county: 崇明区}]
    当判定
    那么规则 "municipal-scope" 的结果为 "pass"

  场景: 市级项目到外省开展服务，不符合条件（三（二）市级专家服务基层工作项目在本市范围内开展）
    假如 "project.locations" 为 [{province: 上海市, county: 崇明区}, {province: 江苏省, county: 启东市}]
    当判定
    那么规则 "municipal-scope" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 国家级项目不受“本市范围内开展”限制（三（二））
    假如 "project.level" 为 national
    当判定
    那么规则 "municipal-scope" 的结果为 "not_applicable"

  场景: 国家级项目服务国家乡村振兴重点帮扶县（三（一）优先满足重点帮扶县迫切需要）
    假如 "project.level" 为 national
    并且 "project.locations" 为 [{province: 云南省, city: 曲靖市, county: 会泽县, national_key_county: true}]
    当判定
    那么规则 "priority-key-counties" 的结果为 "pass"

  场景: 国家级项目未服务重点帮扶县只作提示（三（一）优先满足重点帮扶县迫切需要）
    假如 "project.level" 为 national
    并且 "project.locations" 为 [{province: 云南省, city: 昆明市, county: 呈贡区, national_key_county: false}]
    当判定
    那么规则 "priority-key-counties" 的结果为 "fail"
    并且结论为 "eligible"

  # ---------------------------------------------------------------- 二（二）专家服务基地
  场景: 基地每年参加人数恰为50人次，符合条件（二（二）参加人数不少于50人次）
    假如 "base" 为 {name: 闵行区紫竹高新区专家服务基地, level: municipal, host_type: high_tech_zone, serves_nationwide: false, submitted_on: 2022-01-25}
    并且 "base.annual_participants" 为 50
    当判定
    那么规则 "base-participants" 的结果为 "pass"

  场景: 基地每年参加人数49人次，不符合条件（二（二）参加人数不少于50人次）
    假如 "base" 为 {name: 闵行区紫竹高新区专家服务基地, level: municipal, host_type: high_tech_zone, serves_nationwide: false, submitted_on: 2022-01-25}
    并且 "base.annual_participants" 为 49
    当判定
    那么规则 "base-participants" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 依托农村合作组织设立基地（二（二）主要依托的单位类型）
    假如 "base" 为 {name: 浦东新区农村合作组织专家服务基地, level: municipal, host_type: rural_cooperative, annual_participants: 80, submitted_on: 2022-01-25}
    当判定
    那么规则 "base-host-type" 的结果为 "pass"

  场景: 依托其他基层单位设立基地只作提醒（二（二）其他基层单位须确有需要）
    假如 "base" 为 {name: 静安区社区卫生专家服务基地, level: municipal, host_type: other, annual_participants: 80, submitted_on: 2022-01-25}
    当判定
    那么规则 "base-host-type" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 面向全国服务的基地申报国家级基地（三（一）国家级基地优先从面向全国服务的基地中遴选）
    假如 "base" 为 {name: 嘉定区汽车产业专家服务基地, level: national, host_type: industrial_park, annual_participants: 300, serves_nationwide: true, submitted_on: 2022-01-25}
    当判定
    那么规则 "national-base-nationwide" 的结果为 "pass"

  场景: 只在本市服务的基地申报国家级基地只作提示（三（一））
    假如 "base" 为 {name: 嘉定区汽车产业专家服务基地, level: national, host_type: industrial_park, annual_participants: 300, serves_nationwide: false, submitted_on: 2022-01-25}
    当判定
    那么规则 "national-base-nationwide" 的结果为 "fail"

  场景: 市级基地不适用国家级基地的遴选优先（三（一））
    假如 "base" 为 {name: 闵行区紫竹高新区专家服务基地, level: municipal, host_type: high_tech_zone, annual_participants: 120, submitted_on: 2022-01-25}
    当判定
    那么规则 "national-base-nationwide" 的结果为 "not_applicable"

  # ---------------------------------------------------------------- 四、申报要求
  场景: 申报表未经推荐部门报送，材料不全（四、单位盖章后提交上级主管部门或区人社局）
    假如删除 "project.recommender"
    当判定
    那么规则 "application-form" 的结果为 "missing"
    并且结论为 "incomplete"

  场景: 截止当天1月30日报送，符合条件（四、于2022年1月30日前函报）
    假如 "project.submitted_on" 为 2022-01-30
    当判定
    那么规则 "application-deadline" 的结果为 "pass"

  场景: 1月31日报送已逾期（四、于2022年1月30日前函报）
    假如 "project.submitted_on" 为 2022-01-31
    当判定
    那么规则 "application-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 基地申报材料截止当天报送，符合条件（四、于2022年1月30日前函报）
    假如 "base" 为 {name: 闵行区紫竹高新区专家服务基地, level: municipal, host_type: high_tech_zone, annual_participants: 120, submitted_on: 2022-01-30}
    当判定
    那么规则 "base-deadline" 的结果为 "pass"

  场景: 基地申报材料1月31日报送已逾期（四、于2022年1月30日前函报）
    假如 "base" 为 {name: 闵行区紫竹高新区专家服务基地, level: municipal, host_type: high_tech_zone, annual_participants: 120, submitted_on: 2022-01-31}
    当判定
    那么规则 "base-deadline" 的结果为 "fail"

  场景: 一览表截止当天报送，符合条件（四、于2022年1月30日前函报）
    假如 "listing.submitted_on" 为 2022-01-30
    当判定
    那么规则 "listing-deadline" 的结果为 "pass"

  场景: 一览表1月31日报送已逾期（四、于2022年1月30日前函报）
    假如 "listing.submitted_on" 为 2022-01-31
    当判定
    那么规则 "listing-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 推荐部门只申报1个项目，符合名额（四、每单位申报不超过1个项目或基地）
    假如 "listing.entries" 为 [{project_id: SH-2022-008, kind: team}]
    当判定
    那么规则 "listing-quota" 的结果为 "pass"

  场景: 推荐部门同时申报1个项目和1个基地，超出名额（四、每单位申报不超过1个项目或基地）
    假如 "listing.entries" 为 [{project_id: SH-2022-008, kind: team}, {project_id: JD-2022-003, kind: base}]
    当判定
    那么规则 "listing-quota" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 资助经费用于保险和基地专家补贴（四、资助经费主要用途）
    假如 "project.expenses" 为 [{category: insurance, amount_yuan: 800}, {category: base_subsidy, amount_yuan: 6000}]
    当判定
    那么规则 "allowed-expenses" 的结果为 "pass"

  场景: 资助经费列支专家劳务费只作提醒（四、资助经费主要用途）
    假如 "project.expenses" 为 [{category: food_lodging, amount_yuan: 8000}, {category: expert_fees, amount_yuan: 20000}]
    当判定
    那么规则 "allowed-expenses" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 尚未发生支出时不检查经费用途（四、资助经费主要用途）
    假如删除 "project.expenses"
    当判定
    那么规则 "allowed-expenses" 的结果为 "not_applicable"
