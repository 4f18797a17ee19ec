# language: zh-CN
功能: 浙江省2023年专家服务工作（zhejiang-2023）
  依据《浙江省人力资源和社会保障厅办公室关于做好2023年专家服务工作的通知》（2023-02-19）。
  示例为丽水市景宁畲族自治县（山区26县）：一个国家级示范团申报、一个国家级专家服务基地申报、
  三位示范团专家，以及景宁县本年度“智聚山海·助力共富”专家服务工程任务。
  “各县”的任务只对县级记录判定；“各市”推荐专家的任务只对市级记录（不填县）判定。

  背景:
    假如规则集为 "zhejiang-2023"
    并且以示例 "compliant" 为基础

  场景: 材料齐全、按时报送、任务完成的县符合要求
    当判定
    那么结论为 "eligible"

  # ---------------------------------------------------------------- 一（一）国家级示范团

  场景: 申报的是国家级示范团项目（一（一））
    假如 "project.level" 为 national
    当判定
    那么规则 "project-level" 的结果为 "pass"

  场景: 省级项目不属于本通知组织申报的国家级示范团（一（一））
    假如 "project.level" 为 provincial
    当判定
    那么规则 "project-level" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 示范团申报表缺少服务内容，不符合（一（一）、附件1）
    假如删除 "project.content_text"
    当判定
    那么规则 "project-application-form" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 申报表至少勾选一种服务形式即可（附件1）
    假如 "project.service_forms" 为 [free_clinic]
    当判定
    那么规则 "project-service-forms" 的结果为 "pass"

  场景: 申报表未勾选服务形式，不符合（附件1）
    假如 "project.service_forms" 为 []
    当判定
    那么规则 "project-service-forms" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 服务内容不在重点围绕的方向内，只作提示（一（一））
    假如 "project.direction" 为 other
    当判定
    那么规则 "project-direction" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 服务国家乡村振兴重点帮扶县的示范团可优先（一（一））
    假如 "project.locations" 为 [{province: 贵州省, city: 黔东南苗族侗族自治州, county: 从江县, national_key_county: true}]
    当判定
    那么规则 "priority-key-counties" 的结果为 "pass"

  场景: 服务地点既非重点帮扶县也非山区26县，不享有优先但不影响结论（一（一））
    假如 "project.locations" 为 [{province: 浙江省, city: 杭州市, county: 西湖区, national_key_county: false, mountainous_county: false}]
    当判定
    那么规则 "priority-key-counties" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 示范团申报表3月6日报送，按时（三（一））
    假如 "project.submitted_on" 为 2023-03-06
    当判定
    那么规则 "project-deadline" 的结果为 "pass"

  场景: 示范团申报表3月7日报送，逾期（三（一））
    假如 "project.submitted_on" 为 2023-03-07
    当判定
    那么规则 "project-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 未填报送日期，结论为材料不全（三（一））
    假如删除 "project.submitted_on"
    当判定
    那么缺少事实 "project.submitted_on"
    并且结论为 "incomplete"

  # ---------------------------------------------------------------- 一（二）国家级专家服务基地

  场景: 基地每年组织专家服务活动有参加人次（一（二））
    假如 "base.annual_participants" 为 1
    当判定
    那么规则 "base-prior-activity" 的结果为 "pass"

  场景: 基地从未组织开展专家服务活动，不符合（一（二））
    假如 "base.annual_participants" 为 0
    当判定
    那么规则 "base-prior-activity" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 依托单位类型为“其他”也可申报（附件2）
    假如 "base.host_type" 为 other
    当判定
    那么规则 "base-host-type" 的结果为 "pass"

  场景: 基地申报表未勾选依托单位类型，不符合（附件2）
    假如删除 "base.host_type"
    当判定
    那么规则 "base-host-type" 的结果为 "fail"

  场景: 基地申报表未填外单位专家人数，不符合（一（二）、附件2）
    假如删除 "base.external_experts"
    当判定
    那么规则 "base-application-form" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 基地申报表3月6日报送，按时（三（一））
    假如 "base.submitted_on" 为 2023-03-06
    当判定
    那么规则 "base-deadline" 的结果为 "pass"

  场景: 基地申报表3月7日报送，逾期（三（一））
    假如 "base.submitted_on" 为 2023-03-07
    当判定
    那么规则 "base-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  # ---------------------------------------------------------------- 一（三）专家（一般应：只提示）

  场景: 副高级职称的专家符合（一（三））
    假如 "experts[0].title" 为 associate_senior
    当判定
    那么规则 "expert-title" 对 "E1" 的结果为 "pass"

  场景: 中级职称的专家只作提示，“一般应”不影响结论（一（三））
    假如 "experts[0].title" 为 intermediate
    当判定
    那么规则 "expert-title" 对 "E1" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 身体不健康、不能适应基层环境、无服务意愿的专家只作提示（一（三））
    假如 "experts[1].healthy" 为 false
    并且 "experts[1].adaptable" 为 false
    并且 "experts[1].willing" 为 false
    当判定
    那么规则 "expert-healthy" 对 "E2" 的结果为 "fail"
    并且规则 "expert-adaptable" 对 "E2" 的结果为 "fail"
    并且规则 "expert-willing" 对 "E2" 的结果为 "fail"
    并且规则 "expert-healthy" 对 "E1" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 市里推荐3名重点联系专家，符合（一（三））
    假如删除 "locality.county"
    并且 "locality.experts_recommended" 为 3
    当判定
    那么规则 "locality-expert-recommendations" 对 "丽水市" 的结果为 "pass"

  场景: 市里只推荐2名重点联系专家，不符合（一（三））
    假如删除 "locality.county"
    并且 "locality.experts_recommended" 为 2
    当判定
    那么规则 "locality-expert-recommendations" 对 "丽水市" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 推荐专家是各市的任务，县级记录不适用（一（三））
    假如 "locality.experts_recommended" 为 0
    当判定
    那么规则 "locality-expert-recommendations" 的结果为 "not_applicable"

  # ---------------------------------------------------------------- 二（一）“智聚山海·助力共富”活动

  场景: 县全年开展4场活动，符合（二（一））
    假如 "locality.activities" 为 4
    当判定
    那么规则 "locality-activities" 对 "景宁畲族自治县" 的结果为 "pass"

  场景: 县全年只开展3场活动，不符合（二（一））
    假如 "locality.activities" 为 3
    当判定
    那么规则 "locality-activities" 对 "景宁畲族自治县" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 全年至少4场是各县的任务，市级记录不适用（二（一））
    假如删除 "locality.county"
    并且 "locality.activities" 为 0
    当判定
    那么规则 "locality-activities" 的结果为 "not_applicable"

  场景: 非沿海县不要求与对口结对地区联办（二（一））
    假如 "locality.coastal" 为 false
    当判定
    那么规则 "locality-joint-activities" 的结果为 "not_applicable"

  场景: 沿海县与对口结对地区联办1场，符合（二（一））
    假如 "locality.coastal" 为 true
    并且 "locality.joint_activities_with_partner" 为 1
    当判定
    那么规则 "locality-joint-activities" 的结果为 "pass"

  场景: 沿海县未与对口结对地区联办活动，不符合（二（一））
    假如 "locality.coastal" 为 true
    并且 "locality.joint_activities_with_partner" 为 0
    当判定
    那么规则 "locality-joint-activities" 的结果为 "fail"
    并且结论为 "ineligible"

  # ---------------------------------------------------------------- 二（二）专家服务示范团

  场景: 创建1个示范团并开展1次活动，符合（二（二））
    假如 "locality.demo_teams" 为 1
    并且 "locality.demo_team_activities" 为 1
    当判定
    那么规则 "locality-demo-teams" 的结果为 "pass"
    并且规则 "locality-demo-team-activities" 的结果为 "pass"

  场景: 未创建示范团，不符合（二（二））
    假如 "locality.demo_teams" 为 0
    当判定
    那么规则 "locality-demo-teams" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 示范团未开展活动，不符合（二（二））
    假如 "locality.demo_team_activities" 为 0
    当判定
    那么规则 "locality-demo-team-activities" 的结果为 "fail"
    并且结论为 "ineligible"

  # ---------------------------------------------------------------- 三 报送要求；附件5

  场景: 人社部项目申报材料3月6日报送，按时（三（一））
    假如 "locality.national_materials_submitted_on" 为 2023-03-06
    当判定
    那么规则 "locality-national-materials-deadline" 的结果为 "pass"

  场景: 人社部项目申报材料3月7日报送，逾期（三（一））
    假如 "locality.national_materials_submitted_on" 为 2023-03-07
    当判定
    那么规则 "locality-national-materials-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 市级记录未填申报材料报送日期，结论为材料不全（三（一））
    假如删除 "locality.county"
    并且删除 "locality.national_materials_submitted_on"
    当判定
    那么缺少事实 "locality.national_materials_submitted_on"
    并且结论为 "incomplete"

  场景: 县里没有申报人社部项目时不判定报送时限（三（一））
    假如删除 "locality.national_materials_submitted_on"
    当判定
    那么规则 "locality-national-materials-deadline" 的结果为 "not_applicable"

  场景: 活动计划3月13日报送，按时（三（二））
    假如 "locality.activity_plan_submitted_on" 为 2023-03-13
    当判定
    那么规则 "locality-activity-plan-deadline" 的结果为 "pass"

  场景: 活动计划3月14日报送，逾期（三（二））
    假如 "locality.activity_plan_submitted_on" 为 2023-03-14
    当判定
    那么规则 "locality-activity-plan-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 县级记录未填计划报送日期时不判定（由市局汇总报送）（三（二））
    假如删除 "locality.activity_plan_submitted_on"
    当判定
    那么规则 "locality-activity-plan-deadline" 的结果为 "not_applicable"

  场景: 年度成果汇总表12月10日报送，按时（附件5）
    假如 "locality.results_reported_on" 为 2023-12-10
    当判定
    那么规则 "locality-results-report" 的结果为 "pass"

  场景: 年度成果汇总表12月11日报送，逾期（附件5）
    假如 "locality.results_reported_on" 为 2023-12-11
    当判定
    那么规则 "locality-results-report" 的结果为 "fail"
    并且结论为 "ineligible"

  # ---------------------------------------------------------------- 有问题的示例

  场景: 苍南县的材料有多处不符合
    假如以示例 "flawed" 为基础
    当判定
    那么结论为 "ineligible"
    并且规则 "project-deadline" 的结果为 "fail"
    并且规则 "base-prior-activity" 的结果为 "fail"
    并且规则 "locality-activities" 对 "苍南县" 的结果为 "fail"
    并且规则 "locality-joint-activities" 对 "苍南县" 的结果为 "fail"
    并且规则 "locality-results-report" 对 "苍南县" 的结果为 "fail"
