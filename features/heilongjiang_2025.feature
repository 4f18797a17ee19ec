# language: zh-CN
功能: 黑龙江省专家人才服务基层若干措施（heilongjiang-2025）
  依据《专家人才服务基层若干措施》（黑龙江，无文号）。原文未载明发布日期和施行日期：
  2025-01-01 只是据所引人社厅发〔2025〕2号推定的最早可能适用日（下限），不是原文所载的生效日，
  每个结论都附有这一日期提示（caveat）。
  原文唯一的硬性（界定性）条件在二8 跟岗锻炼：3—6个月、县以下专业技术骨干或急需紧缺人才、到上级对口单位；
  这句没有情态词，定为硬性是判断（见各规则的 reading）。跟岗锻炼与服务团项目分别判定，互不影响结论。
  项目、专家、基地只有倡导性条款（提示）和权益（继续教育、职称与岗位、推荐倾斜、差旅费），不影响结论。
  原文没有任何日期、期限、名额或比例：没有限期事项（待办），也没有计数条件。

  背景:
    假如规则集为 "heilongjiang-2025"
    并且以示例 "compliant" 为基础

  # ---------------------------------------------------------------- 判定对象与结论
  场景: 空的事实缺少项目，不能判定
    假如一份空的事实
    当判定
    那么结论为 "incomplete"
    并且缺少主体 "project"

  场景: 空的事实按跟岗锻炼判定，缺少跟岗锻炼
    假如一份空的事实
    并且判定对象为 "secondment"
    当判定
    那么结论为 "incomplete"
    并且缺少主体 "secondment"

  场景: 村级农技员到上级对口单位跟岗锻炼4个月，申报时符合条件，另有一项需人工核对
    假如判定对象为 "secondment"
    并且阶段为 "application"
    当判定
    那么结论为 "eligible"
    并且结论说明包含 "1 项需人工核对"
    并且需人工核对的条目包含 "行业主管部门组织"

  场景: 同一跟岗锻炼在结项阶段同样符合条件
    假如判定对象为 "secondment"
    当判定
    那么结论为 "eligible"
    并且结论说明包含 "需人工核对"

  场景: 只有跟岗锻炼的事实，按跟岗锻炼判定
    假如删除 "project"
    并且删除 "experts"
    当判定
    那么结论为 "eligible"

  场景: 本措施对服务团项目没有硬性要求，项目的结论不会是“符合条件”
    当判定
    那么结论为 "incomplete"
    并且结论说明包含 "没有可自动判定的硬性要求"
    并且规则 "project-priority-needs" 的结果为 "pass"

  场景: 跟岗锻炼不合格不会使服务团项目不符合条件
    假如 "secondment.months" 为 2
    当判定
    那么结论为 "incomplete"
    并且规则 "project-priority-needs" 的结果为 "pass"

  场景: 同一份材料按跟岗锻炼判定则不符合条件
    假如 "secondment.months" 为 2
    并且判定对象为 "secondment"
    当判定
    那么结论为 "ineligible"
    并且规则 "secondment-duration" 的结果为 "fail"

  # ---------------------------------------------------------------- 二8 跟岗锻炼（原文无情态词，界定活动）
  场景: 跟岗锻炼只有2个月，不足3个月，不符合（二8）
    假如 "secondment.months" 为 2
    并且判定对象为 "secondment"
    当判定
    那么规则 "secondment-duration" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 跟岗锻炼3个月，符合（二8）
    假如 "secondment.months" 为 3
    并且判定对象为 "secondment"
    当判定
    那么规则 "secondment-duration" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 跟岗锻炼6个月，符合（二8）
    假如 "secondment.months" 为 6
    并且判定对象为 "secondment"
    当判定
    那么规则 "secondment-duration" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 跟岗锻炼7个月，超过6个月，不符合（二8）
    假如 "secondment.months" 为 7
    并且判定对象为 "secondment"
    当判定
    那么规则 "secondment-duration" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 未填跟岗锻炼时长，材料不全（二8）
    假如删除 "secondment.months"
    并且判定对象为 "secondment"
    当判定
    那么规则 "secondment-duration" 的结果为 "missing"
    并且缺少事实 "secondment.months"
    并且结论为 "incomplete"

  场景: 县级专业技术骨干可以跟岗锻炼（二8）
    假如 "secondment.trainee_level" 为 county
    并且判定对象为 "secondment"
    当判定
    那么规则 "secondment-trainee-level" 的结果为 "pass"

  场景: 乡镇专业技术骨干可以跟岗锻炼（二8）
    假如 "secondment.trainee_level" 为 township
    并且判定对象为 "secondment"
    当判定
    那么规则 "secondment-trainee-level" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 村级专业技术骨干也在“县以下”，可以跟岗锻炼（二8）
    假如 "secondment.trainee_level" 为 village
    并且判定对象为 "secondment"
    当判定
    那么规则 "secondment-trainee-level" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 跟岗人员在县级以上单位，不符合（二8）
    假如 "secondment.trainee_level" 为 other
    并且判定对象为 "secondment"
    当判定
    那么规则 "secondment-trainee-level" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 跟岗人员是专业技术骨干或急需紧缺人才，符合（二8）
    假如 "secondment.trainee_key_or_urgent" 为 true
    并且判定对象为 "secondment"
    当判定
    那么规则 "secondment-trainee-type" 的结果为 "pass"

  场景: 跟岗人员既不是专业技术骨干也不是急需紧缺人才，不符合（二8）
    假如 "secondment.trainee_key_or_urgent" 为 false
    并且判定对象为 "secondment"
    当判定
    那么规则 "secondment-trainee-type" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 到上级对口单位跟岗，符合（二8）
    假如 "secondment.host_superior_counterpart" 为 true
    并且判定对象为 "secondment"
    当判定
    那么规则 "secondment-host-superior" 的结果为 "pass"

  场景: 到同级或非对口单位跟岗，不符合（二8）
    假如 "secondment.host_superior_counterpart" 为 false
    并且判定对象为 "secondment"
    当判定
    那么规则 "secondment-host-superior" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 有问题的示例：跟岗锻炼仅2个月、人员不在县以下、不是骨干、不是上级对口单位
    假如以示例 "flawed" 为基础
    并且判定对象为 "secondment"
    当判定
    那么结论为 "ineligible"
    并且规则 "secondment-duration" 的结果为 "fail"
    并且规则 "secondment-trainee-level" 的结果为 "fail"
    并且规则 "secondment-trainee-type" 的结果为 "fail"
    并且规则 "secondment-host-superior" 的结果为 "fail"

  # ---------------------------------------------------------------- 阶段
  场景: 申报阶段只判定申报时的条款，权益属于以后的阶段
    假如阶段为 "application"
    当判定
    那么规则 "project-priority-needs" 的结果为 "pass"
    并且规则 "continuing-education-complete" 未判定（属于以后的阶段）
    并且规则 "travel-costs-reimbursed" 未判定（属于以后的阶段）

  场景: 实施阶段判定差旅费报销，结项时的权益仍未判定
    假如阶段为 "implementation"
    当判定
    那么规则 "travel-costs-reimbursed" 对 "E1" 的结果为 "pass"
    并且规则 "title-promotion-priority" 未判定（属于以后的阶段）

  # ---------------------------------------------------------------- 需人工核对
  场景: 申报阶段的项目需人工核对需求来源和方案是否“详细”
    假如阶段为 "application"
    当判定
    那么需人工核对的条目包含 "基层下单"
    并且需人工核对的条目包含 "详细"

  场景: 结项时专家的质效与认定需人工核对
    假如判定对象为 "expert"
    当判定
    那么需人工核对的条目包含 "质效"
    并且需人工核对的条目包含 "同等条件下"

  场景: 申报阶段的专家没有需人工核对的条目
    假如判定对象为 "expert"
    并且阶段为 "application"
    当判定
    那么没有需人工核对的条目

  # ---------------------------------------------------------------- 一、二 倡导性条款（提示）
  场景: 推广应用技术、促进农民增收的项目优先遴选（一3）
    当判定
    那么规则 "project-priority-needs" 的结果为 "pass"

  场景: 只做决策咨询和义诊的公共服务项目不在优先之列，只是提示（一3）
    假如 "project.direction" 为 public_services
    并且 "project.service_forms" 为 [decision_consulting, free_clinic]
    当判定
    那么规则 "project-priority-needs" 的结果为 "fail"
    并且结论为 "incomplete"

  场景: 服务企业的项目采取揭榜领题、联合攻关等方式（二5）
    假如 "project.direction" 为 enterprise_innovation
    并且 "project.service_forms" 为 [open_competition, joint_research]
    当判定
    那么规则 "enterprise-service-forms" 的结果为 "pass"

  场景: 服务企业的项目只做决策咨询，给出提示（二5）
    假如 "project.direction" 为 enterprise_innovation
    并且 "project.service_forms" 为 [decision_consulting]
    当判定
    那么规则 "enterprise-service-forms" 的结果为 "fail"

  场景: 乡村振兴项目不适用“百名专家慧企业”的服务方式（二5）
    当判定
    那么规则 "enterprise-service-forms" 的结果为 "not_applicable"

  场景: 已制定活动方案（二6）
    当判定
    那么规则 "activity-plan" 的结果为 "pass"

  场景: 尚未制定活动方案，给出提示（二6）
    假如 "project.plan_sections" 为 []
    当判定
    那么规则 "activity-plan" 的结果为 "fail"

  # ---------------------------------------------------------------- 三 专家与基地
  场景: 享受政府特殊津贴专家属于专家库遴选对象（三9）
    假如 "experts[0].honors" 为 [special_allowance]
    当判定
    那么规则 "expert-pool-priority" 对 "E1" 的结果为 "pass"

  场景: 没有所列称号或经历的专家，给出提示（三9，列举以“等”结尾）
    假如 "experts[0].honors" 为 []
    当判定
    那么规则 "expert-pool-priority" 对 "E1" 的结果为 "fail"

  场景: 身体健康、本人自愿的退休老专家参与服务受到鼓励（三9）
    当判定
    那么规则 "retired-expert-healthy-willing" 对 "E2" 的结果为 "pass"

  场景: 退休老专家身体欠佳，给出提示（三9）
    假如 "experts[1].healthy" 为 false
    当判定
    那么规则 "retired-expert-healthy-willing" 对 "E2" 的结果为 "fail"

  场景: 退休老专家并非本人自愿，给出提示（三9）
    假如 "experts[1].willing" 为 false
    当判定
    那么规则 "retired-expert-healthy-willing" 对 "E2" 的结果为 "fail"

  场景: 在职专家不适用退休老专家的规定（三9）
    当判定
    那么规则 "retired-expert-healthy-willing" 对 "E1" 的结果为 "not_applicable"

  场景: 服务基层工作积极、发挥作用显著的专家重点推荐纳入国家重点联系专家库（三9）
    假如判定对象为 "expert"
    当判定
    那么规则 "national-key-expert-recommendation" 对 "E1" 的结果为 "pass"

  场景: 未认定发挥作用显著的专家不在重点推荐之列（三9）
    假如判定对象为 "expert"
    并且 "experts[0].notable_achievement" 为 false
    当判定
    那么规则 "national-key-expert-recommendation" 对 "E1" 的结果为 "fail"

  场景: 依托省级专家服务基地的项目优先（三10）
    当判定
    那么规则 "provincial-base-priority" 的结果为 "pass"

  场景: 未依托专家服务基地的项目不享有该优先，只是提示（三10）
    假如 "project.relies_on_base" 为 false
    并且删除 "project.base_level"
    当判定
    那么规则 "provincial-base-priority" 的结果为 "fail"

  场景: 省级专家服务基地优先推荐申报国家级基地（三10）
    假如一份空的事实
    并且 "base.name" 为 松嫩平原现代农业专家服务基地
    并且 "base.level" 为 provincial
    当判定
    那么规则 "provincial-base-national-recommendation" 对 "松嫩平原现代农业专家服务基地" 的结果为 "pass"
    并且需人工核对的条目包含 "定期组织"

  场景: 市级专家服务基地不享有推荐申报国家级基地的优先（三10）
    假如一份空的事实
    并且 "base.name" 为 某市级基地
    并且 "base.level" 为 municipal
    当判定
    那么规则 "provincial-base-national-recommendation" 对 "某市级基地" 的结果为 "fail"

  # ---------------------------------------------------------------- 四、五 专家权益
  场景: 服务基层视同参加继续教育实践活动（四13）
    假如 "experts[0].service_days_in_year" 为 1
    当判定
    那么规则 "continuing-education-practice" 对 "E1" 的结果为 "pass"

  场景: 本年度未到基层服务，不享有该权益（四13）
    假如 "experts[0].service_days_in_year" 为 0
    当判定
    那么规则 "continuing-education-practice" 对 "E1" 的结果为 "fail"

  场景: 年度累计服务满10个工作日，视同完成当年继续教育学时（四13）
    假如 "experts[0].service_days_in_year" 为 10
    当判定
    那么规则 "continuing-education-complete" 对 "E1" 的结果为 "pass"

  场景: 年度累计服务9个工作日，不能视同完成当年继续教育学时（四13）
    假如 "experts[0].service_days_in_year" 为 9
    当判定
    那么规则 "continuing-education-complete" 对 "E1" 的结果为 "fail"

  场景: 服务基层的专家优先推荐参加知识更新工程高级研修，不以满10个工作日为条件（四13）
    假如 "experts[0].service_days_in_year" 为 1
    当判定
    那么规则 "advanced-training-priority" 对 "E1" 的结果为 "pass"
    并且规则 "continuing-education-complete" 对 "E1" 的结果为 "fail"

  场景: 本年度未到基层服务，不在高级研修优先推荐之列（四13）
    假如 "experts[0].service_days_in_year" 为 0
    当判定
    那么规则 "advanced-training-priority" 对 "E1" 的结果为 "fail"

  场景: 所列三类以外的服务基层同样计入晋升高级职称的重要条件（四14，列举以“等”结尾）
    假如 "experts[2].service_track" 为 other
    当判定
    那么规则 "title-promotion-priority" 对 "E3" 的结果为 "pass"

  场景: 城市三级医院医生到县级以下医疗卫生机构服务，计入晋升高级职称的重要条件（四14）
    假如 "experts[2].service_track" 为 tertiary_doctor_to_county
    当判定
    那么规则 "title-promotion-priority" 对 "E3" 的结果为 "pass"

  场景: 所列类别但本年度没有服务基层，不享有职称倾斜（四14）
    假如 "experts[2].service_track" 为 urban_teacher_to_rural
    并且 "experts[2].service_days_in_year" 为 0
    当判定
    那么规则 "title-promotion-priority" 对 "E3" 的结果为 "fail"

  场景: 已是正高级的专家不适用晋升高级职称的倾斜（四14）
    当判定
    那么规则 "title-promotion-priority" 对 "E1" 的结果为 "not_applicable"

  场景: 已退休的专家不适用晋升高级职称的倾斜（四14）
    假如 "experts[1].title" 为 associate_senior
    当判定
    那么规则 "title-promotion-priority" 对 "E2" 的结果为 "not_applicable"

  场景: 在职专家的服务基层时长、质效纳入所在单位岗位聘用评价条件（四15，约束用人单位，列为专家权益）
    当判定
    那么规则 "post-appointment-evaluation" 对 "E1" 的结果为 "pass"
    并且规则 "post-appointment-evaluation" 对 "E2" 的结果为 "not_applicable"

  场景: 成效显著、贡献突出的在职专家同等条件下优先推荐晋升岗位等级（四15）
    当判定
    那么规则 "post-grade-priority" 对 "E1" 的结果为 "pass"

  场景: 未认定贡献突出的专家不在岗位等级优先之列（四15）
    假如 "experts[0].outstanding_contribution" 为 false
    当判定
    那么规则 "post-grade-priority" 对 "E1" 的结果为 "fail"

  场景: 成效显著、贡献突出的专家在人才选拔、资助和评选中获得倾斜（四16）
    当判定
    那么规则 "talent-programme-tilt" 对 "E1" 的结果为 "pass"

  场景: 成效显著但未认定贡献突出，不享有人才评选倾斜（四16）
    当判定
    那么规则 "talent-programme-tilt" 对 "E2" 的结果为 "fail"

  场景: 经常参加、表现良好、成效突出的优秀专家优先推荐国情研修（四17）
    当判定
    那么规则 "national-study-priority" 对 "E1" 的结果为 "pass"

  场景: 不经常参加服务基层活动的专家不在国情研修优先之列（四17）
    当判定
    那么规则 "national-study-priority" 对 "E3" 的结果为 "fail"

  场景: 由所在单位选派赴基层服务，交通、住宿、伙食费由所在单位据实报销（五18）
    当判定
    那么规则 "travel-costs-reimbursed" 对 "E1" 的结果为 "pass"

  场景: 单位同意但未选派（本人志愿参加），不享有所在单位据实报销（五18）
    假如 "experts[0].employer_approved" 为 true
    并且 "experts[0].dispatched_by_employer" 为 false
    当判定
    那么规则 "travel-costs-reimbursed" 对 "E1" 的结果为 "fail"

  场景: 退休老专家志愿参加，不享有所在单位据实报销（五18）
    当判定
    那么规则 "travel-costs-reimbursed" 对 "E2" 的结果为 "fail"

  # ---------------------------------------------------------------- 日期（原文未载明，2025-01-01 为推定下限）
  场景: 2024年12月31日黑龙江没有生效的规则集（所引文件为2025年文件，本措施不可能更早）
    当按地区 "黑龙江" 和日期 "2024-12-31" 判定
    那么提示包含 "尚无生效的规则集"

  场景: 2025年1月1日起按推定的下限选用本措施
    当按地区 "heilongjiang" 和日期 "2025-01-01" 判定
    那么选用的规则集为 "heilongjiang-2025"

  场景: 写作“黑龙江省”同样选用本措施
    当按地区 "黑龙江省" 和日期 "2026-06-01" 判定
    那么选用的规则集为 "heilongjiang-2025"
