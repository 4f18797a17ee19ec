"""The facts schema (DOMAIN §4) and the Chinese messages of engine.facts."""

from __future__ import annotations

import copy
import json

import pytest
from jsonschema import Draft202012Validator

from engine.documents.schema_errors import schema_messages
from engine.facts import FactsError, facts_schema, load_facts_file, load_facts_text, validate_facts
from engine.facts import schema as facts

VALID_YAML = """\
project:
  id: SH-2026-001
  name: 浦东新区乡村振兴农业技术专家服务团
  applicant_unit: 上海市农业科学院
  host_unit: 上海市农业科学院
  recommender: 上海市农业农村委员会
  level: municipal
  direction: rural_revitalization
  service_forms: [technical_guidance, talent_training, free_clinic]
  service_modes: [onsite, remote]
  relies_on_base: true
  base_level: municipal
  sessions: 4
  start_date: 2026-04-01
  end_date: 2026-10-31
  onsite_days: 2.5
  cumulative_service_days: 10
  problems_per_session: 2
  locations:
    - {province: 上海市, city: 上海市, county: 崇明区, national_key_county: false,
       provincial_key_county: false, mountainous_county: false}
  served_units:
    - {name: 崇明区港西镇农业服务中心, type: public_institution, level: township}
    - {name: 北双村, type: village, level: township}
  plan_sections: [goals, content, experts, time_place, schedule, budget, safeguards, expected_outcomes]
  content_text: 围绕蔬菜绿色种植开展技术指导和培训。
  summary_text: 组织农业专家赴崇明开展技术服务。
  budget: {total_wan: 12.5, requested_support_wan: 10, sources: [fiscal, self_raised]}
  submitted_on: 2026-02-01
  plan_filed_on: 2026-03-20
  completed_on: 2026-10-31
  report_submitted_on: 2026-11-20
  fund_report_on: 2026-11-25
  surplus_wan: 0.3
  surplus_returned_on: 2026-11-28
  expenses:
    - {category: transport, amount_yuan: 3200}
    - {category: food_lodging, amount_yuan: 5400.5}
  venues:
    - {name: 港西镇会议室, scenic_area: false, above_standard_hotel: false}
  emergency_plan: true
  foreign_experts: false
  foreign_affairs_approved: false
  plan_changed_without_approval: false
  transferred_to_third_party: false
  host_incomplete_last_year: false
experts:
  - id: E1
    name: 张三
    title: senior
    equivalent_level: false
    honors: [special_allowance, shanghai_leading]
    healthy: true
    willing: true
    adaptable: true
    employer_approved: true
    retired: false
    own_unit: true
    foreign: false
    service_days_in_year: 12.5
    service_track: agri_technician_to_county
  - {id: E2, name: 李四, title: intermediate, equivalent_level: true}
base:
  name: 临港新片区专家服务基地
  level: municipal
  host_type: high_tech_zone
  annual_participants: 60
  own_experts: 12
  external_experts: 30
  serves_nationwide: false
  submitted_on: 2026-02-05
locality:
  city: 温州市
  county: 瑞安市
  coastal: true
  activities: 4
  joint_activities_with_partner: 1
  demo_teams: 1
  demo_team_activities: 2
  experts_recommended: 3
  national_materials_submitted_on: 2023-03-06
  activity_plan_submitted_on: 2023-03-13
  results_reported_on: 2023-06-10
listing:
  recommender: 浦东新区人力资源和社会保障局
  submitted_on: 2026-02-06
  entries:
    - {project_id: SH-2026-001, kind: team}
    - {project_id: SH-2026-B01, kind: base}
secondment:
  months: 4
  trainee_level: county
"""


@pytest.fixture
def doc() -> dict:
    return load_facts_text(VALID_YAML, "valid.yaml")


def errors_for(doc: dict) -> list[str]:
    return validate_facts(doc)


# --- valid input ---------------------------------------------------------------------------


def test_realistic_document_with_every_subject_is_valid(doc):
    assert set(doc) == {"project", "experts", "base", "locality", "listing", "secondment"}
    assert validate_facts(doc) == []
    assert doc["project"]["start_date"] == "2026-04-01"  # dates stay strings
    assert doc["project"]["onsite_days"] == 2.5


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "{}", "---\n"])
def test_empty_document_is_valid(text):
    assert load_facts_text(text) == {}


def test_validation_does_not_modify_input(doc):
    before = copy.deepcopy(doc)
    doc["project"]["budget"]["xyz"] = 1
    mutated = copy.deepcopy(doc)
    assert validate_facts(doc) != []
    assert doc == mutated
    del doc["project"]["budget"]["xyz"]
    assert doc == before


# --- one test per error kind ---------------------------------------------------------------


def test_enum(doc):
    doc["experts"][0]["title"] = "professor"
    assert errors_for(doc) == [
        "experts[0].title: 'professor' 不是允许的取值（senior, associate_senior, intermediate, junior, none）"
    ]


def test_enum_inside_list_of_enums(doc):
    doc["project"]["service_modes"] = ["onsite", "teleport"]
    assert errors_for(doc) == [
        "project.service_modes[1]: 'teleport' 不是允许的取值"
        "（onsite, remote, short_posting, project_cooperation）"
    ]


def test_type_number(doc):
    doc["project"]["budget"]["total_wan"] = "十万"
    assert errors_for(doc) == ["project.budget.total_wan: 应为数字，实际为 '十万'"]


def test_type_root_not_a_mapping():
    assert validate_facts(["project"]) == ["(根): 应为对象，实际为列表"]
    assert validate_facts("project") == ["(根): 应为对象，实际为 'project'"]


def test_type_list_and_object(doc):
    doc["experts"] = {"name": "张三"}
    doc["base"] = []
    assert errors_for(doc) == ["base: 应为对象，实际为列表", "experts: 应为列表，实际为对象"]


def test_type_integer_bool_and_null(doc):
    doc["project"]["sessions"] = 2.5
    doc["project"]["problems_per_session"] = True
    doc["project"]["emergency_plan"] = "是"
    doc["project"]["name"] = None
    assert errors_for(doc) == [
        "project.emergency_plan: 应为布尔值（true/false），实际为 '是'",
        "project.name: 应为文本，实际为空值",
        "project.problems_per_session: 应为整数，实际为 true",
        "project.sessions: 应为整数，实际为 2.5",
    ]


def test_fractional_days_allowed_but_not_nan(doc):
    doc["experts"][1]["service_days_in_year"] = 0.5
    doc["project"]["cumulative_service_days"] = 7.5
    assert errors_for(doc) == []
    doc["project"]["surplus_wan"] = float("nan")
    assert errors_for(doc) == ["project.surplus_wan: 应为有限数字，实际为 nan"]


def test_yaml_nan_and_infinity_rejected():
    with pytest.raises(FactsError) as info:
        load_facts_text("project:\n  onsite_days: .nan\n  budget: {total_wan: .inf}\n", "f.yaml")
    assert info.value.errors == [
        "f.yaml:3:23: project.budget.total_wan: 应为有限数字，实际为 inf",
        "f.yaml:2:16: project.onsite_days: 应为有限数字，实际为 nan",
    ]


def test_minimum(doc):
    doc["project"]["expenses"][0]["amount_yuan"] = -1
    doc["secondment"]["months"] = -3
    assert errors_for(doc) == [
        "project.expenses[0].amount_yuan: 应不小于 0，实际为 -1",
        "secondment.months: 应不小于 0，实际为 -3",
    ]


def test_maximum(doc):
    doc["project"]["sessions"] = 10**12
    assert errors_for(doc) == ["project.sessions: 应不大于 1000000000，实际为 1000000000000"]


def test_max_length(doc):
    doc["project"]["content_text"] = "字" * 20001
    assert errors_for(doc) == ["project.content_text: 文本过长：最多 20000 个字符，实际 20001 个"]


def test_max_items(doc):
    doc["experts"] = [{"name": f"专家{i}"} for i in range(501)]
    assert errors_for(doc) == ["experts: 列表过长：最多 500 项，实际 501 项"]


def test_unique_items(doc):
    doc["project"]["budget"]["sources"] = ["fiscal", "social", "fiscal"]
    assert errors_for(doc) == ["project.budget.sources: 列表中有重复项 'fiscal'"]


def test_required_message_names_the_missing_field():
    # The facts schema requires nothing (absent facts are `missing` outcomes, not input errors),
    # so check the wording with a small schema through the same message builder.
    schema = {"type": "object", "properties": {"a": {"type": "object", "required": ["id"]}}}
    validator = facts._Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert schema_messages(validator, {"a": {}}) == [(("a", "id"), "a.id: 缺少必填字段 'id'")]


def test_unknown_rule_falls_back_to_chinese():
    validator = facts._Validator({"type": "object", "properties": {"n": {"multipleOf": 2}}})
    assert schema_messages(validator, {"n": 3}) == [(("n",), "n: 不符合要求（规则 multipleOf）")]


def test_messages_sorted_by_path(doc):
    doc["secondment"]["trainee_level"] = "province"
    doc["experts"][1]["title"] = "prof"
    doc["experts"][0]["healthy"] = "yes"
    doc["base"]["level"] = "county"
    assert [m.split(":")[0] for m in errors_for(doc)] == [
        "base.level",
        "experts[0].healthy",
        "experts[1].title",
        "secondment.trainee_level",
    ]


def test_list_indices_sort_numerically(doc):
    doc["experts"] = [{"title": "x"} for _ in range(11)]
    paths = [m.split(":")[0] for m in errors_for(doc)]
    assert paths == [f"experts[{i}].title" for i in range(11)]


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["2026-02-30", "2026-13-01", "2023-02-29", "20260101", "2026-1-5", "2026-W01-1", "2026-02-30T00:00"],
)
def test_impossible_or_malformed_dates_rejected(doc, bad):
    doc["project"]["start_date"] = bad
    assert errors_for(doc) == [f"project.start_date: '{bad}' 不是有效日期（格式 YYYY-MM-DD）"]


def test_leap_day_accepted(doc):
    doc["project"]["start_date"] = "2024-02-29"
    assert errors_for(doc) == []


def test_date_reported_once_even_when_several_rules_fail(doc):
    doc["listing"]["submitted_on"] = "2026-02-30x"  # fails both pattern and format
    assert errors_for(doc) == ["listing.submitted_on: '2026-02-30x' 不是有效日期（格式 YYYY-MM-DD）"]


def test_unquoted_yaml_number_as_date():
    with pytest.raises(FactsError) as info:
        load_facts_text("base:\n  submitted_on: 20260101\n", "b.yaml")
    assert info.value.errors == ["b.yaml:2:17: base.submitted_on: 20260101 不是有效日期（格式 YYYY-MM-DD）"]


def test_every_date_field_uses_the_shared_definition():
    schema = facts_schema()
    props = {
        name: schema["properties"][name]["properties"]
        for name in ("project", "base", "locality", "listing")
    }
    dated = {
        "project": ["start_date", "end_date", "submitted_on", "plan_filed_on", "completed_on",
                    "report_submitted_on", "fund_report_on", "surplus_returned_on"],
        "base": ["submitted_on"],
        "locality": ["national_materials_submitted_on", "activity_plan_submitted_on", "results_reported_on"],
        "listing": ["submitted_on"],
    }
    for subject, fields in dated.items():
        for field in fields:
            assert props[subject][field]["$ref"] == "#/$defs/date", (subject, field)
    assert schema["$defs"]["date"] == {
        "type": "string",
        "pattern": r"^\d{4}-\d{2}-\d{2}$",
        "format": "date",
        "description": "日期，格式 YYYY-MM-DD",
    }


# --- unknown fields ------------------------------------------------------------------------


def test_unknown_top_level_subject(doc):
    doc["projects"] = {}
    assert errors_for(doc) == ["projects: 未知字段 'projects'"]


def test_unknown_project_field(doc):
    doc["project"]["foo"] = 1
    assert errors_for(doc) == ["project.foo: 未知字段 'foo'"]


def test_unknown_nested_budget_field(doc):
    doc["project"]["budget"]["xyz"] = 3
    assert errors_for(doc) == ["project.budget.xyz: 未知字段 'xyz'"]


def test_unknown_field_in_list_item(doc):
    doc["experts"][1]["age"] = 50
    doc["project"]["locations"][0]["town"] = "港西镇"
    assert errors_for(doc) == [
        "experts[1].age: 未知字段 'age'",
        "project.locations[0].town: 未知字段 'town'",
    ]


def test_hostile_field_name_is_printed_on_one_line(doc):
    doc["base"]["x\n\x1b[31my"] = 1
    (message,) = errors_for(doc)
    assert "\n" not in message and "\x1b" not in message
    assert message == "base.x\\n\\x1b[31my: 未知字段 'x\\n\\x1b[31my'"


# --- schema shape --------------------------------------------------------------------------


def _objects(node, where="(根)"):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield where, node
        for key, value in node.items():
            yield from _objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _objects(value, f"{where}/{i}")


def test_schema_is_valid_and_strict():
    schema = facts_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "https://regimes.example/schemas/facts.schema.json"
    assert schema["title"]
    objects = list(_objects(schema))
    assert len(objects) > 10
    for where, node in objects:
        assert node.get("additionalProperties") is False, where
        for name, prop in node["properties"].items():
            assert prop.get("description"), f"{where}.{name}"


def test_schema_enums_match_domain():
    p = facts_schema()["properties"]
    project = p["project"]["properties"]
    expert = p["experts"]["items"]["properties"]
    assert project["level"]["enum"] == ["national", "provincial", "municipal"]
    assert project["base_level"]["enum"] == ["ministerial", "provincial", "municipal"]
    modes = ["onsite", "remote", "short_posting", "project_cooperation"]
    assert project["service_modes"]["items"]["enum"] == modes
    assert len(project["service_forms"]["items"]["enum"]) == 12
    assert len(project["expenses"]["items"]["properties"]["category"]["enum"]) == 14
    assert project["budget"]["properties"]["sources"]["items"]["enum"] == ["fiscal", "self_raised", "social"]
    assert len(expert["honors"]["items"]["enum"]) == 14
    assert len(p["base"]["properties"]["host_type"]["enum"]) == 12
    assert p["listing"]["properties"]["entries"]["items"]["properties"]["kind"]["enum"] == ["team", "base"]
    assert p["secondment"]["properties"]["trainee_level"]["enum"] == ["county", "township", "village", "other"]
    for name in ("service_forms", "service_modes", "plan_sections"):
        assert project[name]["uniqueItems"] is True
    assert expert["honors"]["uniqueItems"] is True


def test_facts_schema_returns_a_private_copy():
    facts_schema()["properties"].clear()
    assert "project" in facts_schema()["properties"]
    assert validate_facts({"project": {"level": "national"}}) == []


# --- files ---------------------------------------------------------------------------------


def test_yaml_and_json_files_with_same_content_both_load(tmp_path, doc):
    yaml_file = tmp_path / "facts.yaml"
    json_file = tmp_path / "facts.json"
    yaml_file.write_text(VALID_YAML, encoding="utf-8")
    json_file.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    from_yaml = load_facts_file(yaml_file)
    from_json = load_facts_file(str(json_file))
    assert from_yaml == from_json == doc


def test_utf8_bom_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffsecondment: {months: 3}\n".encode())
    assert load_facts_file(path) == {"secondment": {"months": 3}}


def test_field_errors_in_a_file_carry_line_and_column(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("experts:\n  - name: 张三\n    title: professor\n", encoding="utf-8")
    with pytest.raises(FactsError) as info:
        load_facts_file(path)
    assert str(info.value) == (
        f"{path}:3:12: experts[0].title: 'professor' 不是允许的取值"
        "（senior, associate_senior, intermediate, junior, none）"
    )


def test_malformed_yaml_names_file_line_and_column(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("project:\n  name: [unclosed\n  level: national\n", encoding="utf-8")
    with pytest.raises(FactsError) as info:
        load_facts_file(path)
    (message,) = info.value.errors
    assert message.startswith(f"{path}:2:9: YAML 语法错误：")  # where the unclosed [ starts, not where it was noticed
    assert "列表没有正确闭合" in message


def test_duplicate_key_is_an_error():
    with pytest.raises(FactsError) as info:
        load_facts_text("project:\n  level: national\n  level: municipal\n", "dup.yaml")
    assert info.value.errors == ["dup.yaml:3:3: 重复的键 'level'"]


def test_missing_file(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(FactsError) as info:
        load_facts_file(path)
    assert str(info.value) == f"{path}: 找不到文件"


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(FactsError) as info:
        load_facts_file(tmp_path)
    assert str(info.value) == f"{tmp_path}: 这是一个目录，不是文件"


def test_invalid_utf8(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("project:\n  name: 专家\n".encode("gbk"))  # 专 happens to decode; 家 does not
    with pytest.raises(FactsError) as info:
        load_facts_file(path)
    assert str(info.value) == f"{path}:2:1: 文件不是有效的 UTF-8 编码（第 20 字节）"


def test_hostile_yaml_never_escapes_as_another_exception():
    for text in ["[" * 5000 + "]" * 5000, "a: " + "9" * 5000, "a: &x [1]\nb: *x\n"]:
        with pytest.raises(FactsError):
            load_facts_text(text, "h.yaml")


def test_facts_error_str_joins_messages():
    err = FactsError(["a: 一", "b: 二"])
    assert err.errors == ["a: 一", "b: 二"]
    assert str(err) == "a: 一\nb: 二"


def test_resolve_ref_follows_chains_keeps_own_keywords_and_stops_on_a_cycle():
    from engine.facts import resolve_ref

    schema = {"$defs": {"a": {"$ref": "#/$defs/b", "title": "A"}, "b": {"type": "string", "title": "B"},
                        "loop": {"$ref": "#/$defs/loop"}}}
    assert resolve_ref({"$ref": "#/$defs/a", "description": "d"}, schema) == \
        {"type": "string", "title": "A", "description": "d"}
    assert resolve_ref({"$ref": "#/$defs/loop"}, schema) == {"$ref": "#/$defs/loop"}  # 20 steps, then as it is
    assert resolve_ref([1], schema) == [1] and resolve_ref({"type": "x"}, schema) == {"type": "x"}
    expert = resolve_ref(resolve_ref({"$ref": "#/properties/experts"})["items"])  # the facts schema by default
    assert "name" in expert["properties"]
