# language: zh-CN
功能: 辽宁省省级专家服务基层项目（liaoning-2026）
  依据《关于开展辽宁省省级专家服务基层项目申报工作的通知》（2026-05-15）
  和《辽宁省省级专家服务基层项目管理办法（试行）》（2026-04-27）。

  背景:
    假如规则集为 "liaoning-2026"
    并且以示例 "compliant" 为基础

  场景: 材料齐全、按时报送的申报符合条件
    当判定
    那么结论为 "eligible"

  场景: 专家为中级职称但具有相应专业技术水平，可以参加（第七条）
    假如 "experts[0].title" 为 intermediate
    并且 "experts[0].equivalent_level" 为 true
    当判定
    那么规则 "expert-title" 对 "E1" 的结果为 "pass"

  场景: 专家为中级职称且不具有相应专业技术水平，不符合（第七条）
    假如 "experts[0].title" 为 intermediate
    并且 "experts[0].equivalent_level" 为 false
    当判定
    那么规则 "expert-title" 对 "E1" 的结果为 "fail"
    并且结论为 "ineligible"
