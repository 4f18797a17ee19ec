# language: zh-CN
功能: 浙江省2023年专家服务工作（zhejiang-2023）
  依据《浙江省人力资源和社会保障厅办公室关于做好2023年专家服务工作的通知》（2023-02-19）。
  示例为丽水市景宁畲族自治县（山区26县）：一个国家级示范团申报、一个国家级专家服务基地申报、
  示范团的领衔专家和服务专家、丽水市推荐的一名重点联系专家，以及景宁县（县级记录）本年度
  “智聚山海·助力共富”专家服务工程任务。记录层级由 locality.level（city 市 / county 县）表明：
  “各县”的任务只对县级记录判定，“各市”的任务（推荐专家、盖章与WORD版、报送）对市级记录判定，
  填不填 county 都不改变层级。一（三）的专家条件只对推荐的重点联系专家（role: recommended）判定。
  未写判定对象时，有项目即判定“申报项目”；基地、专家、市县年度任务各自另行判定。

  背景:
    假如规则集为 "zhejiang-2023"
    并且以示例 "compliant" 为基础

  # ---------------------------------------------------------------- 总体

  场景: 浙江示例材料齐全、按时报送，申报项目符合要求
    当判定
    那么结论为 "eligible"
    并且结论说明包含 "2 项需人工核对"
    并且需人工核对的条目包含 "联系人"
    并且需人工核对的条目包含 "纸质材料需加盖单位公章"

  场景: 浙江：基地申报表的公章与WORD版须人工核对（三（一）纸质材料需加盖单位公章）
    假如判定对象为 "base"
    当判定
    那么结论为 "eligible"
    并且需人工核对的条目包含 "国家级专家服务基地申报表（附件2）纸质版已加盖单位公章"

  场景: 浙江：推荐表的公章和3月6日报送须人工核对（三（一））
    假如判定对象为 "expert"
    当判定
    那么需人工核对的条目包含 "重点联系专家推荐表（附件3）纸质版已加盖公章"
    并且需人工核对的条目包含 "2023年3月6日前"

  场景: 浙江示例在申报阶段同样符合要求
    假如阶段为 "application"
    当判定
    那么结论为 "eligible"

  场景: 浙江示例的基地、专家、县级任务分别判定，均符合要求
    假如判定对象为 "base"
    当判定
    那么结论为 "eligible"

  场景: 浙江示例的推荐专家判定符合要求
    假如判定对象为 "expert"
    当判定
    那么结论为 "eligible"
    并且规则 "expert-recommendation-form" 对 "E4" 的结果为 "pass"

  场景: 浙江示例的县级年度任务判定符合要求
    假如判定对象为 "locality"
    当判定
    那么结论为 "eligible"
    并且结论说明包含 "需人工核对"

  场景: 浙江：一份空的事实，缺少申报项目
    假如一份空的事实
    当判定
    那么结论为 "incomplete"
    并且缺少主体 "project"

  场景: 浙江：2023年3月1日按地区选用2023年通知
    假如一份空的事实
    当按地区 "浙江" 和日期 "2023-03-01" 判定
    那么选用的规则集为 "zhejiang-2023"

  场景: 浙江：2023年2月19日之前没有生效的通知
    假如一份空的事实
    当按地区 "zhejiang" 和日期 "2023-02-18" 判定
    那么提示包含 "zhejiang-2023"

  # ---------------------------------------------------------------- 一（一）国家级示范团

  场景: 浙江：申报的是国家级示范团项目（一（一））
    假如 "project.level" 为 national
    当判定
    那么规则 "project-level" 的结果为 "pass"

  场景: 浙江：省级项目不属于本通知组织申报的国家级示范团（一（一））
    假如 "project.level" 为 provincial
    当判定
    那么规则 "project-level" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：示范团申报表各栏齐全（附件1）
    当判定
    那么规则 "project-application-form" 的结果为 "pass"

  场景: 浙江：示范团申报表未填服务内容，是材料不全而非不符合（附件1）
    假如删除 "project.content_text"
    当判定
    那么规则 "project-application-form" 的结果为 "missing"
    并且缺少事实 "project.content_text"
    并且结论为 "incomplete"

  场景: 浙江：示范团申报表未填填报市局，列出所缺栏目（附件1）
    假如删除 "project.recommender"
    当判定
    那么缺少事实 "project.recommender"
    并且结论为 "incomplete"

  场景: 浙江：申报表至少勾选一种服务形式即可（附件1）
    假如 "project.service_forms" 为 [free_clinic]
    当判定
    那么规则 "project-service-forms" 的结果为 "pass"

  场景: 浙江：申报表明确不勾选任何服务形式，不符合（附件1）
    假如 "project.service_forms" 为 []
    当判定
    那么规则 "project-service-forms" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：公益服务属于提升民生服务（一（一））
    假如 "project.direction" 为 public_welfare
    当判定
    那么规则 "project-direction" 的结果为 "pass"

  场景: 浙江：服务内容不在重点围绕的方向内，只作提示（一（一））
    假如 "project.direction" 为 other
    当判定
    那么规则 "project-direction" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 浙江：服务国家乡村振兴重点帮扶县的示范团可优先（一（一））
    假如 "project.locations" 为 [{province: 贵州省, city: 黔东南苗族侗族自治州, county: 从江县, national_key_county: true}]
    当判定
    那么规则 "priority-key-counties" 的结果为 "pass"

  场景: 浙江：服务地点既非重点帮扶县也非山区26县，不享有优先但不影响结论（一（一））
    假如 "project.locations" 为 [{province: 浙江省, city: 杭州市, county: 西湖区, national_key_county: false, mountainous_county: false}]
    当判定
    那么规则 "priority-key-counties" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 浙江：示范团申报表3月6日报送，按时（三（一））
    假如 "project.submitted_on" 为 2023-03-06
    当判定
    那么规则 "project-deadline" 的结果为 "pass"

  场景: 浙江：示范团申报表3月7日报送，逾期（三（一））
    假如 "project.submitted_on" 为 2023-03-07
    当判定
    那么规则 "project-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：3月6日当天尚未报送示范团申报表，是待办（三（一））
    假如删除 "project.submitted_on"
    并且基准日期为 "2023-03-06"
    当判定
    那么规则 "project-deadline" 的结果为 "pending"
    并且待办 "project-deadline" 的状态为 "pending"
    并且待办 "project-deadline" 的截止日期为 "2023-03-06"
    并且结论为 "eligible"

  场景: 浙江：3月7日仍未报送示范团申报表，已逾期（三（一））
    假如删除 "project.submitted_on"
    并且基准日期为 "2023-03-07"
    当判定
    那么规则 "project-deadline" 的结果为 "fail"
    并且待办 "project-deadline" 的状态为 "overdue"
    并且结论为 "ineligible"

  # ---------------------------------------------------------------- 一（二）国家级专家服务基地

  场景: 浙江：依托单位开展过专家服务活动，本年度尚无参加人次也符合（一（二））
    假如判定对象为 "base"
    并且 "base.prior_service_activities" 为 true
    并且 "base.annual_participants" 为 0
    当判定
    那么规则 "base-prior-activity" 的结果为 "pass"

  场景: 浙江：依托单位从未组织开展专家服务活动，不符合（一（二））
    假如判定对象为 "base"
    并且 "base.prior_service_activities" 为 false
    并且 "base.annual_participants" 为 0
    当判定
    那么规则 "base-prior-activity" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：显著成效须人工核对（一（二））
    假如判定对象为 "base"
    当判定
    那么需人工核对的条目包含 "显著成效"
    并且结论说明包含 "需人工核对"

  场景: 浙江：依托单位类型为“其他”也可申报（附件2）
    假如判定对象为 "base"
    并且 "base.host_type" 为 other
    当判定
    那么规则 "base-host-type" 的结果为 "pass"

  场景: 浙江：基地申报表未勾选依托单位类型，是材料不全（附件2）
    假如判定对象为 "base"
    并且删除 "base.host_type"
    当判定
    那么规则 "base-host-type" 的结果为 "missing"
    并且缺少事实 "base.host_type"
    并且结论为 "incomplete"

  场景: 浙江：基地申报表未填外单位专家人数，是材料不全（附件2）
    假如判定对象为 "base"
    并且删除 "base.external_experts"
    当判定
    那么规则 "base-application-form" 的结果为 "missing"
    并且缺少事实 "base.external_experts"
    并且结论为 "incomplete"

  场景: 浙江：近年来开展专家服务活动情况及成效恰好1000字，符合（附件2 二、3）
    假如判定对象为 "base"
    并且 "base.activity_record_text" 为 依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决
    当判定
    那么规则 "base-activity-record-limit" 的结果为 "pass"

  场景: 浙江：近年来开展专家服务活动情况及成效1001字，超出字数（附件2 二、3）
    假如判定对象为 "base"
    并且 "base.activity_record_text" 为 依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻
    当判定
    那么规则 "base-activity-record-limit" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：1000字另有空格，空格不计入字数（附件2 三、6）
    假如判定对象为 "base"
    并且 "base.three_year_plan_text" 为 依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接 ，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展 茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害 和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与 加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农 科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人 次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿 色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社 组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务 茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指 导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题 。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对 接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开 展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻 害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训 与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和 农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余 人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害 绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作 社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服 务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场 指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难 题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术 对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家 开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决
    当判定
    那么规则 "base-three-year-plan-limit" 的结果为 "pass"

  场景: 浙江：未来三年专家服务工作计划1001字，超出字数（附件2 三、6）
    假如判定对象为 "base"
    并且 "base.three_year_plan_text" 为 依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻害和品质难题。依托合作社组织高校和农科院专家开展茶园现场指导、病虫害绿色防控培训与加工技术对接，累计服务茶农一千余人次，解决冻
    当判定
    那么规则 "base-three-year-plan-limit" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：基地申报表3月6日报送，按时（三（一））
    假如判定对象为 "base"
    并且 "base.submitted_on" 为 2023-03-06
    当判定
    那么规则 "base-deadline" 的结果为 "pass"

  场景: 浙江：基地申报表3月7日报送，逾期（三（一））
    假如判定对象为 "base"
    并且 "base.submitted_on" 为 2023-03-07
    当判定
    那么规则 "base-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  # ---------------------------------------------------------------- 一（三）推荐的重点联系专家（一般应：只提示）

  场景: 浙江：推荐专家为副高级职称，符合（一（三））
    假如判定对象为 "expert"
    并且 "experts[3].title" 为 associate_senior
    当判定
    那么规则 "expert-title" 对 "E4" 的结果为 "pass"

  场景: 浙江：推荐专家为中级职称，只作提示，“一般应”不影响结论（一（三））
    假如判定对象为 "expert"
    并且 "experts[3].title" 为 intermediate
    当判定
    那么规则 "expert-title" 对 "E4" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 浙江：示范团服务专家为中级职称，一（三）的条件不适用（一（三））
    假如判定对象为 "expert"
    并且 "experts[1].title" 为 intermediate
    当判定
    那么规则 "expert-title" 对 "E2" 的结果为 "not_applicable"
    并且规则 "expert-healthy" 对 "E1" 的结果为 "not_applicable"

  场景: 浙江：推荐专家身体不健康、不能适应基层环境、无服务意愿，只作提示（一（三））
    假如判定对象为 "expert"
    并且 "experts[3].healthy" 为 false
    并且 "experts[3].adaptable" 为 false
    并且 "experts[3].willing" 为 false
    当判定
    那么规则 "expert-healthy" 对 "E4" 的结果为 "fail"
    并且规则 "expert-adaptable" 对 "E4" 的结果为 "fail"
    并且规则 "expert-willing" 对 "E4" 的结果为 "fail"
    并且结论为 "eligible"

  场景: 浙江：推荐表未填人才称号，是材料不全（附件3）
    假如判定对象为 "expert"
    并且删除 "experts[3].honors"
    当判定
    那么规则 "expert-recommendation-form" 对 "E4" 的结果为 "missing"
    并且缺少事实 "experts[3].honors"
    并且结论为 "incomplete"

  场景: 浙江：专家身份未填时先问身份（一（三））
    假如判定对象为 "expert"
    并且删除 "experts[3].role"
    当判定
    那么缺少事实 "experts[3].role"
    并且结论为 "incomplete"

  场景: 浙江：推荐专家的学术造诣须人工核对（一（三））
    假如判定对象为 "expert"
    当判定
    那么需人工核对的条目包含 "学术造诣"

  # ---------------------------------------------------------------- 一（三）各市推荐不少于3名（市级记录）

  场景: 浙江：市里推荐3名重点联系专家，符合（一（三））
    假如判定对象为 "locality"
    并且 "locality.level" 为 city
    并且删除 "locality.county"
    并且 "locality.experts_recommended" 为 3
    当判定
    那么规则 "locality-expert-recommendations" 对 "丽水市" 的结果为 "pass"

  场景: 浙江：市里只推荐2名重点联系专家，不符合（一（三））
    假如判定对象为 "locality"
    并且 "locality.level" 为 city
    并且删除 "locality.county"
    并且 "locality.experts_recommended" 为 2
    当判定
    那么规则 "locality-expert-recommendations" 对 "丽水市" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：市级记录填了县名，推荐专家仍是市的任务（一（三））
    假如判定对象为 "locality"
    并且 "locality.level" 为 city
    并且 "locality.experts_recommended" 为 2
    当判定
    那么规则 "locality-expert-recommendations" 的结果为 "fail"
    并且规则 "locality-activities" 的结果为 "not_applicable"

  场景: 浙江：市级记录缺推荐人数时只问推荐人数，不问县（一（三））
    假如判定对象为 "locality"
    并且 "locality.level" 为 city
    并且删除 "locality.county"
    当判定
    那么规则 "locality-expert-recommendations" 的结果为 "missing"
    并且缺少事实 "locality.experts_recommended"
    并且结论为 "incomplete"

  场景: 浙江：推荐专家是各市的任务，县级记录不适用（一（三））
    假如判定对象为 "locality"
    并且 "locality.experts_recommended" 为 0
    当判定
    那么规则 "locality-expert-recommendations" 的结果为 "not_applicable"

  场景: 浙江：记录未写层级时，先问层级（二、三）
    假如判定对象为 "locality"
    并且删除 "locality.level"
    当判定
    那么缺少事实 "locality.level"
    并且结论为 "incomplete"

  # ---------------------------------------------------------------- 二（一）“智聚山海·助力共富”活动

  场景: 浙江：县全年开展4场活动，符合（二（一））
    假如判定对象为 "locality"
    并且 "locality.activities" 为 4
    当判定
    那么规则 "locality-activities" 对 "景宁畲族自治县" 的结果为 "pass"

  场景: 浙江：县全年只开展3场活动，不符合（二（一））
    假如判定对象为 "locality"
    并且 "locality.activities" 为 3
    当判定
    那么规则 "locality-activities" 对 "景宁畲族自治县" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：全年活动场数到年终（结项阶段）才判定，申报阶段不判定（二（一））
    假如判定对象为 "locality"
    并且阶段为 "application"
    并且 "locality.activities" 为 0
    当判定
    那么规则 "locality-activities" 未判定（属于以后的阶段）
    并且结论为 "eligible"

  场景: 浙江：县6月底只开展2场活动，年中（实施阶段）不判不符合（二（一）、二（二））
    假如判定对象为 "locality"
    并且阶段为 "implementation"
    并且基准日期为 "2023-06-30"
    并且删除 "locality.results_reported_on"
    并且 "locality.activities" 为 2
    并且 "locality.demo_team_activities" 为 0
    当判定
    那么规则 "locality-activities" 未判定（属于以后的阶段）
    并且规则 "locality-joint-activities" 未判定（属于以后的阶段）
    并且规则 "locality-demo-teams" 未判定（属于以后的阶段）
    并且规则 "locality-demo-team-activities" 未判定（属于以后的阶段）
    并且规则 "locality-half-year-results-report" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 浙江：县全年只开展2场活动，年终（结项阶段）不符合（二（一））
    假如判定对象为 "locality"
    并且阶段为 "closing"
    并且基准日期为 "2023-12-31"
    并且 "locality.activities" 为 2
    当判定
    那么规则 "locality-activities" 对 "景宁畲族自治县" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：全年至少4场是各县的任务，市级记录不适用（二（一））
    假如判定对象为 "locality"
    并且 "locality.level" 为 city
    并且删除 "locality.county"
    并且 "locality.activities" 为 0
    当判定
    那么规则 "locality-activities" 的结果为 "not_applicable"

  场景: 浙江：非沿海县不要求与对口结对地区联办（二（一））
    假如判定对象为 "locality"
    并且 "locality.coastal" 为 false
    当判定
    那么规则 "locality-joint-activities" 的结果为 "not_applicable"

  场景: 浙江：沿海县与对口结对地区联办1场，符合（二（一））
    假如判定对象为 "locality"
    并且 "locality.coastal" 为 true
    并且 "locality.joint_activities_with_partner" 为 1
    当判定
    那么规则 "locality-joint-activities" 的结果为 "pass"

  场景: 浙江：沿海县未与对口结对地区联办活动，不符合（二（一））
    假如判定对象为 "locality"
    并且 "locality.coastal" 为 true
    并且 "locality.joint_activities_with_partner" 为 0
    当判定
    那么规则 "locality-joint-activities" 的结果为 "fail"
    并且结论为 "ineligible"

  # ---------------------------------------------------------------- 二（二）专家服务示范团

  场景: 浙江：创建1个示范团并开展1次活动，符合（二（二））
    假如判定对象为 "locality"
    并且 "locality.demo_teams" 为 1
    并且 "locality.demo_team_activities" 为 1
    当判定
    那么规则 "locality-demo-teams" 的结果为 "pass"
    并且规则 "locality-demo-team-activities" 的结果为 "pass"

  场景: 浙江：未创建示范团，不符合（二（二））
    假如判定对象为 "locality"
    并且 "locality.demo_teams" 为 0
    当判定
    那么规则 "locality-demo-teams" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：示范团未开展活动，不符合（二（二））
    假如判定对象为 "locality"
    并且 "locality.demo_team_activities" 为 0
    当判定
    那么规则 "locality-demo-team-activities" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：示范团是否围绕特色主导产业须人工核对（二（二））
    假如判定对象为 "locality"
    当判定
    那么需人工核对的条目包含 "特色主导产业"

  # ---------------------------------------------------------------- 三 报送要求

  场景: 浙江：人社部项目申报材料3月6日报送，按时（三（一））
    假如判定对象为 "locality"
    并且 "locality.national_materials_submitted_on" 为 2023-03-06
    当判定
    那么规则 "locality-national-materials-deadline" 的结果为 "pass"

  场景: 浙江：人社部项目申报材料3月7日报送，逾期（三（一））
    假如判定对象为 "locality"
    并且 "locality.national_materials_submitted_on" 为 2023-03-07
    当判定
    那么规则 "locality-national-materials-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：县里没有申报人社部项目时不判定报送时限（三（一））
    假如判定对象为 "locality"
    并且删除 "locality.national_materials_submitted_on"
    当判定
    那么规则 "locality-national-materials-deadline" 的结果为 "not_applicable"

  场景: 浙江：市局的纸质材料盖章并发送了WORD版，符合（三（一））
    假如判定对象为 "locality"
    并且 "locality.level" 为 city
    并且 "locality.experts_recommended" 为 3
    并且 "locality.national_materials_sealed" 为 true
    并且 "locality.national_materials_word_emailed" 为 true
    当判定
    那么规则 "locality-national-materials-format" 的结果为 "pass"
    并且结论为 "eligible"

  场景: 浙江：市局的纸质材料未加盖公章，不符合（三（一））
    假如判定对象为 "locality"
    并且 "locality.level" 为 city
    并且 "locality.experts_recommended" 为 3
    并且 "locality.national_materials_sealed" 为 false
    并且 "locality.national_materials_word_emailed" 为 true
    当判定
    那么规则 "locality-national-materials-format" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：活动计划3月13日报送，按时（三（二））
    假如判定对象为 "locality"
    并且 "locality.activity_plan_submitted_on" 为 2023-03-13
    当判定
    那么规则 "locality-activity-plan-deadline" 的结果为 "pass"

  场景: 浙江：活动计划3月14日报送，逾期（三（二））
    假如判定对象为 "locality"
    并且 "locality.activity_plan_submitted_on" 为 2023-03-14
    当判定
    那么规则 "locality-activity-plan-deadline" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：县级记录未填计划报送日期时不判定（由市局汇总报送）（三（二））
    假如判定对象为 "locality"
    并且删除 "locality.activity_plan_submitted_on"
    当判定
    那么规则 "locality-activity-plan-deadline" 的结果为 "not_applicable"

  # ---------------------------------------------------------------- 二（三）、附件5 成果汇总表

  场景: 浙江：半年度成果汇总表6月10日报送，按时（附件5）
    假如判定对象为 "locality"
    并且 "locality.half_year_results_reported_on" 为 2023-06-10
    当判定
    那么规则 "locality-half-year-results-report" 的结果为 "pass"

  场景: 浙江：半年度成果汇总表6月11日报送，逾期（附件5）
    假如判定对象为 "locality"
    并且 "locality.half_year_results_reported_on" 为 2023-06-11
    当判定
    那么规则 "locality-half-year-results-report" 的结果为 "fail"
    并且待办 "locality-half-year-results-report" 的状态为 "done_late"
    并且结论为 "ineligible"

  场景: 浙江：6月10日当天市局尚未报送半年度汇总表，是待办（附件5）
    假如判定对象为 "locality"
    并且 "locality.level" 为 city
    并且 "locality.experts_recommended" 为 3
    并且 "locality.national_materials_sealed" 为 true
    并且 "locality.national_materials_word_emailed" 为 true
    并且删除 "locality.half_year_results_reported_on"
    并且删除 "locality.results_reported_on"
    并且基准日期为 "2023-06-10"
    当判定
    那么规则 "locality-half-year-results-report" 的结果为 "pending"
    并且待办 "locality-half-year-results-report" 的截止日期为 "2023-06-10"
    并且待办 "locality-results-report" 的状态为 "pending"
    并且结论为 "eligible"

  场景: 浙江：6月11日市局仍未报送半年度汇总表，已逾期（附件5）
    假如判定对象为 "locality"
    并且 "locality.level" 为 city
    并且删除 "locality.half_year_results_reported_on"
    并且基准日期为 "2023-06-11"
    当判定
    那么规则 "locality-half-year-results-report" 的结果为 "fail"
    并且待办 "locality-half-year-results-report" 的状态为 "overdue"
    并且结论为 "ineligible"

  场景: 浙江：年度成果汇总表12月10日报送，按时（附件5）
    假如判定对象为 "locality"
    并且 "locality.results_reported_on" 为 2023-12-10
    当判定
    那么规则 "locality-results-report" 的结果为 "pass"

  场景: 浙江：年度成果汇总表12月11日报送，逾期（附件5）
    假如判定对象为 "locality"
    并且 "locality.results_reported_on" 为 2023-12-11
    当判定
    那么规则 "locality-results-report" 的结果为 "fail"
    并且结论为 "ineligible"

  场景: 浙江：成果汇总表由市局报送，县级记录未填日期不判定（附件5）
    假如判定对象为 "locality"
    并且删除 "locality.results_reported_on"
    当判定
    那么规则 "locality-results-report" 的结果为 "not_applicable"

  场景: 浙江：年度成果汇总表属结项阶段，实施阶段不判定（附件5）
    假如判定对象为 "locality"
    并且阶段为 "implementation"
    并且 "locality.results_reported_on" 为 2023-12-11
    当判定
    那么规则 "locality-results-report" 未判定（属于以后的阶段）
    并且结论为 "eligible"

  # ---------------------------------------------------------------- 有问题的示例

  场景: 浙江：苍南县的申报项目有多处不符合
    假如以示例 "flawed" 为基础
    当判定
    那么结论为 "ineligible"
    并且规则 "project-level" 的结果为 "fail"
    并且规则 "project-deadline" 的结果为 "fail"
    并且规则 "project-application-form" 的结果为 "missing"

  场景: 浙江：苍南县的基地与县级任务有多处不符合
    假如以示例 "flawed" 为基础
    并且判定对象为 "locality"
    当判定
    那么结论为 "ineligible"
    并且规则 "locality-activities" 对 "苍南县" 的结果为 "fail"
    并且规则 "locality-joint-activities" 对 "苍南县" 的结果为 "fail"
    并且规则 "locality-half-year-results-report" 对 "苍南县" 的结果为 "fail"
    并且规则 "locality-results-report" 对 "苍南县" 的结果为 "fail"
