# language: zh-CN
功能: 黑龙江省专家人才服务基层若干措施（heilongjiang-2025）
  依据《专家人才服务基层若干措施》（黑龙江，无文号；原文未载明发布日期，
  据所引人社厅发〔2025〕2号按 2025-01-01 起适用）。
  硬性要求只有二8 跟岗锻炼（3—6个月、县以下人才）；其余为鼓励性规定（提示）
  和专家权益（继续教育、职称、差旅费），不影响结论。本措施没有“一般应”类的提醒性要求。

  背景:
    假如规则集为 "heilongjiang-2025"
    并且以示例 "compliant" 为基础

  场景: 依托省级基地、跟岗锻炼4个月的农业服务团符合条件
    当判定
    那么结论为 "eligible"

  # ---------------------------------------------------------------- 二8 跟岗锻炼
  场景: 跟岗锻炼3个月，符合（二8）
    假如 "secondment.months" 为 3
    当判定
    那么规则 "secondment-duration" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 跟岗锻炼只有2个月，不足3个月，不符合（二8）
    假如 "secondment.months" 为 2
    当判定
    那么规则 "secondment-duration" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 跟岗锻炼6个月，符合（二8）
    假如 "secondment.months" 为 6
    当判定
    那么规则 "secondment-duration" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 跟岗锻炼7个月，超过6个月，不符合（二8）
    假如 "secondment.months" 为 7
    当判定
    那么规则 "secondment-duration" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 未填跟岗锻炼时长，材料不全（二8）
    假如删除 "secondment.months"
    当判定
    那么规则 "secondment-duration" 的结果为 "missing"
    并且缺少事实 "secondment.months"
    并且结论为 "incomplete"

  场景: 县级专业技术骨干可以跟岗锻炼（二8）
    假如 "secondment.trainee_level" 为 county
    当判定
    那么规则 "secondment-trainee-level" 的结果为 "pass"

  场景: 乡镇专业技术骨干可以跟岗锻炼（二8）
    假如 "secondment.trainee_level" 为 township
    当判定
    那么规则 "secondment-trainee-level" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 跟岗人员不在县以下，不符合（二8）
    假如 "secondment.trainee_level" 为 other
    当判定
    那么规则 "secondment-trainee-level" 的结果为 "fail"
    并且结论为 "ineligible"

  # ---------------------------------------------------------------- 一、二 鼓励性规定
  场景: 推广应用技术、促进农民增收的项目优先遴选（一3）
    当判定
    那么规则 "project-priority-needs" 的结果为 "pass"

  场景: 只做决策咨询和义诊的公共服务项目不在优先之列，但不影响结论（一3）
    假如 "project.direction" 为 public_services
    并且 "project.service_forms" 为 [decision_consulting, free_clinic]
    当判定
    那么规则 "project-priority-needs" 的结果为 "fail"
    并且结论为 "eligible"

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
    并且结论为 "eligible"

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
    并且结论为 "eligible"

  场景: 邀请专家开展业务培训，受到鼓励（二8）
    假如 "project.service_forms" 为 [talent_training]
    当判定
    那么规则 "training-encouraged" 的结果为 "pass"

  场景: 既无培训也无技术指导，给出提示（二8）
    假如 "project.service_forms" 为 [free_clinic]
    当判定
    那么规则 "training-encouraged" 的结果为 "fail"
    并且结论为 "eligible"

  # ---------------------------------------------------------------- 三 专家与基地
  场景: 享受政府特殊津贴专家属于专家库遴选对象（三9）
    假如 "experts[0].honors" 为 [special_allowance]
    当判定
    那么规则 "expert-pool-priority" 对 "E1" 的结果为 "pass"

  场景: 没有所列称号或经历的专家，给出提示（三9）
    假如 "experts[0].honors" 为 []
    当判定
    那么规则 "expert-pool-priority" 对 "E1" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 身体健康、本人自愿的退休老专家参与服务受到鼓励（三9）
    当判定
    那么规则 "retired-expert-healthy-willing" 对 "E2" 的结果为 "pass"

  场景: 退休老专家身体欠佳，给出提示（三9）
    假如 "experts[1].healthy" 为 false
    当判定
    那么规则 "retired-expert-healthy-willing" 对 "E2" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 退休老专家并非本人自愿，给出提示（三9）
    假如 "experts[1].willing" 为 false
    当判定
    那么规则 "retired-expert-healthy-willing" 对 "E2" 的结果为 "fail"

  场景: 在职专家不适用退休老专家的规定（三9）
    当判定
    那么规则 "retired-expert-healthy-willing" 对 "E1" 的结果为 "not_applicable"

  场景: 依托省级专家服务基地的项目优先（三10）
    当判定
    那么规则 "provincial-base-priority" 的结果为 "pass"

  场景: 未依托专家服务基地的项目不享有该优先，但不影响结论（三10）
    假如 "project.relies_on_base" 为 false
    并且删除 "project.base_level"
    当判定
    那么规则 "provincial-base-priority" 的结果为 "fail"
    并且结论为 "eligible"

  # ---------------------------------------------------------------- 四、五 专家权益
  场景: 服务基层视同参加继续教育实践活动（四13）
    假如 "experts[0].service_days_in_year" 为 1
    当判定
    那么规则 "continuing-education-practice" 对 "E1" 的结果为 "pass"

  场景: 本年度未到基层服务，不享有该权益（四13）
    假如 "experts[0].service_days_in_year" 为 0
    当判定
    那么规则 "continuing-education-practice" 对 "E1" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 年度累计服务满10个工作日，视同完成当年继续教育学时（四13）
    假如 "experts[0].service_days_in_year" 为 10
    当判定
    那么规则 "continuing-education-complete" 对 "E1" 的结果为 "pass"

  场景: 年度累计服务9个工作日，不能视同完成当年继续教育学时（四13）
    假如 "experts[0].service_days_in_year" 为 9
    当判定
    那么规则 "continuing-education-complete" 对 "E1" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 城市中小学教师到农村支教，作为优先推荐晋升高级职称的重要条件（四14）
    假如 "experts[0].service_track" 为 urban_teacher_to_rural
    当判定
    那么规则 "title-promotion-priority" 对 "E1" 的结果为 "pass"

  场景: 城市三级医院医生到县级以下医疗卫生机构服务，作为优先推荐晋升高级职称的重要条件（四14）
    假如 "experts[0].service_track" 为 tertiary_doctor_to_county
    当判定
    那么规则 "title-promotion-priority" 对 "E1" 的结果为 "pass"

  场景: 市（地）以上农业技术人员到县以下提供技术指导，作为优先推荐晋升高级职称的重要条件（四14）
    假如 "experts[0].service_track" 为 agri_technician_to_county
    当判定
    那么规则 "title-promotion-priority" 对 "E1" 的结果为 "pass"

  场景: 其他类别的服务不在该职称倾斜之列（四14）
    假如 "experts[0].service_track" 为 other
    当判定
    那么规则 "title-promotion-priority" 对 "E1" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 单位选派赴基层服务，交通、住宿、伙食费由所在单位据实报销（五18）
    当判定
    那么规则 "travel-costs-reimbursed" 对 "E1" 的结果为 "pass"

  场景: 未经单位选派，不享有所在单位据实报销（五18）
    假如 "experts[0].employer_approved" 为 false
    当判定
    那么规则 "travel-costs-reimbursed" 对 "E1" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 有问题的示例：跟岗锻炼仅2个月且人员不在县以下，不符合条件
    假如以示例 "flawed" 为基础
    当判定
    那么结论为 "ineligible"
    并且规则 "secondment-duration" 的结果为 "fail"
    并且规则 "secondment-trainee-level" 的结果为 "fail"
    并且规则 "retired-expert-healthy-willing" 对 "E1" 的结果为 "fail"
