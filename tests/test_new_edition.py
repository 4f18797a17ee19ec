"""A new notice: `regimes new-edition` scaffolds the edition and its reviews; the folder checks (what a reload
refuses) and the lints catch a copied file, a stale title and placeholder dates."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli.main import main
from engine.cli.policytools import CHECKLIST
from engine.documents import yamlio
from engine.policy.checks import PLACEHOLDER, folder_problems, rule_lints, scaffold
from engine.policy.validate import PolicyError, load_regime_file
from engine.registry import Registry, policy_files
from engine.settings import shipped_policies
from service.testing import copy_policies

SHIPPED = shipped_policies()


@pytest.fixture
def policies(tmp_path, monkeypatch) -> Path:
    root = copy_policies(tmp_path / "policies")
    monkeypatch.setenv("REGIMES_POLICIES", str(root))
    return root


@pytest.fixture
def notice(tmp_path) -> Path:
    """The 2026 Shanghai notice reissued for 2027 with the municipal cap lowered to 8万元."""
    text = (SHIPPED / "sources" / "shanghai-2026.txt").read_text(encoding="utf-8")
    assert "上海市专家服务团经费支持不超过 10 万元" in text
    text = text.replace("上海市专家服务团经费支持不超过 10 万元", "上海市专家服务团经费支持不超过 8 万元").replace("2026", "2027")
    path = tmp_path / "通知2027.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _load(path: Path) -> dict:
    return yamlio.load(path.read_text(encoding="utf-8")).data


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: expected {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------- new-edition

def test_new_edition_scaffolds_the_files_and_prints_the_checklist(policies, notice, capsys):
    assert main(["new-edition", "上海", "2027", "--source", str(notice)]) == 0
    out = capsys.readouterr().out
    policy = policies / "shanghai" / "2027.yaml"
    source = policies / "sources" / "shanghai-2027.txt"
    review = policies / "shanghai" / "review" / "2027.yaml"
    cases = policies / "shanghai" / "tests" / "2027.yaml"
    for path in (policy, source, review, cases):
        assert path.is_file(), path
    assert source.read_text(encoding="utf-8") == notice.read_text(encoding="utf-8")

    old, new = _load(policies / "shanghai" / "2026.yaml"), _load(policy)
    assert (new["id"], new["edition"], new["version"], new["issued"], new["effective_from"], new["source_text"]) == \
        ("shanghai-2027", 2027, "0.1.0", None, None, "../sources/shanghai-2027.txt")
    assert PLACEHOLDER in new["date_note"]
    assert [r["id"] for r in new["rules"]] == [r["id"] for r in old["rules"]]
    assert policy.read_text(encoding="utf-8").startswith("# yaml-language-server")  # comments and layout kept

    # a rule is to review only where its quote is not in the new text
    pending = [r["id"] for r in _load(review)["rules"]]
    assert "funding-support-municipal" in pending and "application-deadline" in pending
    assert "expert-title" not in pending and "funding-support-national" not in pending
    marked = [c for c in new["clauses"] if c.get("review")]
    assert 0 < len(marked) < len(new["clauses"])
    assert any("不超过10万元" in c["sentence"] for c in marked)
    assert not any(c["sentence"].startswith("专家一般应具有副高级") for c in marked)
    assert "base: shanghai-2026/compliant" in cases.read_text(encoding="utf-8")

    steps = [step for step, _ in CHECKLIST]
    assert [s.split()[0] for s in steps] == ["原文", "日期", "规则", "台账", "解读", "测试", "校验", "影响", "重新加载"]
    positions = [out.index(f"{n}. {step}") for n, step in enumerate(steps, 1)]
    assert positions == sorted(positions)
    assert f"{len(pending)} 条待核对" in out

    # the draft is not loaded until it is finished
    reg = Registry.load(policies, compile_engine=False)
    assert "shanghai-2027" not in reg.regimes and "shanghai-2026" in reg.regimes
    with pytest.raises(PolicyError):
        load_regime_file(policy)


def test_new_edition_refuses_to_overwrite(policies, notice, capsys):
    assert main(["new-edition", "shanghai", "2027", "--source", str(notice)]) == 0
    policy = policies / "shanghai" / "2027.yaml"
    policy.write_text(policy.read_text(encoding="utf-8") + "# 已开始编写\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in policies.rglob("*") if p.is_file()}
    capsys.readouterr()
    notice.write_text("另一份通知：不超过 5 万元。\n", encoding="utf-8")
    assert main(["new-edition", "shanghai", "2027", "--source", str(notice)]) == 3
    err = capsys.readouterr().err
    assert "不会覆盖" in err and "shanghai/2027.yaml" in err
    assert {p: p.read_bytes() for p in policies.rglob("*") if p.is_file()} == before


def test_new_edition_refuses_when_any_of_its_files_exists(policies, notice, capsys):
    (policies / "sources" / "zhejiang-2024.txt").write_text("旧稿\n", encoding="utf-8")
    assert main(["new-edition", "zhejiang", "2024", "--source", str(notice)]) == 3
    assert "sources/zhejiang-2024.txt 已存在，不会覆盖" in capsys.readouterr().err
    assert not (policies / "zhejiang" / "2024.yaml").exists()


def test_new_edition_bad_input(policies, notice, tmp_path, capsys):
    assert main(["new-edition", "hainan", "2027", "--source", str(notice)]) == 3
    assert "还没有任何版本" in capsys.readouterr().err
    assert main(["new-edition", "shanghai", "2027", "--source", str(tmp_path / "none.txt")]) == 3
    assert "找不到文件" in capsys.readouterr().err
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("专家服务基层".encode("gbk"))
    assert main(["new-edition", "shanghai", "2027", "--source", str(gbk)]) == 3
    assert "不是 UTF-8" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["new-edition", "shanghai", "27", "--source", str(notice)])
    assert exit_.value.code == 3
    assert not (policies / "shanghai" / "2027.yaml").exists()


def test_reviews_clear_themselves_as_the_draft_is_filled_in(policies, notice):
    assert main(["new-edition", "shanghai", "2027", "--source", str(notice)]) == 0
    policy = policies / "shanghai" / "2027.yaml"
    problems = "\n".join(folder_problems([policy], policies))
    assert "日期待填" in problems
    assert "规则 funding-support-municipal 待核对" in problems
    assert "条文台账待核对（review: true）" in problems
    assert "标题中的年份 2026 与版本年 2027 不一致" in problems  # the regime's title is still 2026's

    _edit(policy, "quote: 上海市专家服务团经费支持不超过 10 万元", "quote: 上海市专家服务团经费支持不超过 8 万元")
    problems = "\n".join(folder_problems([policy], policies))
    assert "规则 funding-support-municipal 待核对" not in problems  # its quote is found now
    assert "规则 application-deadline 待核对" in problems
    assert "funding-support-municipal 的 title 写着“10万元”" not in problems  # the cap is still 10 …

    text = policy.read_text(encoding="utf-8")
    at = text.index("  - id: funding-support-municipal")
    policy.write_text(text[:at] + text[at:].replace("max_support_wan: 10", "max_support_wan: 8", 1), encoding="utf-8")
    problems = "\n".join(folder_problems([policy], policies))
    assert "规则 funding-support-municipal 的 title 写着“10万元”，与参数不符（max_support_wan = 8）" in problems


# ---------------------------------------------------------------- folder checks

def test_a_copy_under_a_new_name_is_refused_naming_both_files(policies, capsys):
    copy = policies / "shanghai" / "2027.yaml"
    copy.write_text((policies / "shanghai" / "2026.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for paths in (policy_files(policies), [copy]):
        problems = folder_problems(paths, policies)
        duplicate = [p for p in problems if "重复" in p]
        assert len(duplicate) == 1, problems
        assert duplicate[0].startswith(f"{copy}:2:")
        assert "shanghai/2026.yaml" in duplicate[0] and "shanghai/2027.yaml" in duplicate[0]
        assert any("编号应为 shanghai-2027" in p for p in problems)
        assert any("edition 2026 与文件名 2027.yaml 不符" in p for p in problems)
        assert not any(p.startswith(str(policies / "shanghai" / "2026.yaml")) for p in problems)
    # the same check as reload: the registry refuses the duplicate too
    assert any("重复" in e for e in Registry.load(policies, compile_engine=False).errors)


def test_validate_reports_what_reload_refuses(policies, capsys):
    copy = policies / "shanghai" / "2027.yaml"
    copy.write_text((policies / "shanghai" / "2026.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["validate"]) == 4, "regimes validate must call engine.policy.checks.folder_problems"
    err = capsys.readouterr().err
    assert "重复" in err and "shanghai/2026.yaml" in err and "shanghai/2027.yaml" in err
    assert main(["validate", str(copy)]) == 4
    assert "重复" in capsys.readouterr().err


def test_name_id_and_edition_must_agree(policies):
    path = policies / "shanghai" / "2027.yaml"
    text = (policies / "shanghai" / "2026.yaml").read_text(encoding="utf-8").replace("id: shanghai-2026", "id: shanghai-2027")
    path.write_text(text, encoding="utf-8")
    problems = folder_problems([path], policies)
    assert [p.split(": ", 1)[1] for p in problems if "不符" in p] == ["edition 2026 与文件名 2027.yaml 不符：应为 2027"]
    assert not any("重复" in p for p in problems)
    odd = policies / "shanghai" / "draft.yaml"
    odd.write_text(text.replace("id: shanghai-2027", "id: shanghai-2028"), encoding="utf-8")
    assert any("规则文件名须为 <版本年>.yaml" in p for p in folder_problems([odd], policies))


def test_a_candidate_outside_the_folder_may_reuse_an_id(policies, tmp_path):
    candidate = tmp_path / "candidate.yaml"
    candidate.write_text((policies / "shanghai" / "2026.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    problems = folder_problems([candidate], policies)
    assert not any("重复" in p or "不符" in p for p in problems), problems


def test_shipped_policies_have_no_folder_problems():
    assert folder_problems(policy_files(SHIPPED), SHIPPED) == []


# ---------------------------------------------------------------- lints

def test_a_title_contradicting_its_cap_is_flagged(policies):
    path = policies / "shanghai" / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("  - id: funding-support-municipal")
    path.write_text(text[:at] + text[at:].replace("max_support_wan: 10", "max_support_wan: 8", 1), encoding="utf-8")
    regime = load_regime_file(path)  # the schema and the other checks are satisfied …
    lints = rule_lints(regime)
    assert len(lints) == 1, lints
    assert "市级" not in lints[0] and "funding-support-municipal 的 title 写着“10万元”，与参数不符（max_support_wan = 8）" \
        in lints[0]
    line = int(lints[0].split(":")[1])
    assert text.splitlines()[line - 1].strip().startswith("title: 市级服务团经费支持不超过10万元")
    assert lints == [p for p in folder_problems([path], policies) if "与参数不符" in p]


def test_a_date_or_year_in_a_title_that_disagrees_is_flagged(policies):
    path = policies / "zhejiang" / "2023.yaml"
    _edit(path, "deadline: 2023-03-13", "deadline: 2023-03-20")
    _edit(path, "title: 各县全年至少开展4场活动", "title: 2022年各县全年至少开展4场活动")
    problems = "\n".join(folder_problems([path], policies))
    assert "locality-activity-plan-deadline 的 title 写着“3月13日”，参数中的日期却是 2023-03-20" in problems
    assert "locality-activities 的标题中的年份 2022 与版本年 2023 不一致" in problems


def test_scaffold_keeps_flow_style_ledger_entries():
    text = ("# 注释\nid: demo-2026\nregion: demo\nedition: 2026\nissued: 2026-01-02\neffective_from: 2026-01-02\n"
            "version: 1.2.0\nsource_text: ../sources/demo-2026.txt\nrules:\n"
            "  - {id: cap, source: {document: 通知, clause: 一, quote: 经费不超过10万元}}\n"
            "  - {id: keep, source: {document: 通知, clause: 二, quote: 专家应身体健康}}\n"
            "clauses:\n  - {sentence: 经费不超过10万元。, status: encoded, rules: [cap]}\n"
            "  - sentence: 专家应身体健康。\n    status: encoded\n    rules: [keep]\n")
    made = scaffold(text, yamlio.load(text).data, "demo", 2027, "经费不超过8万元。专家应身体健康。")
    assert not made.rewritten
    data = yamlio.load(made.policy).data
    assert data["clauses"][0]["review"] is True and "review" not in data["clauses"][1]
    assert (data["id"], data["edition"], data["issued"], data["version"]) == ("demo-2027", 2027, None, "0.1.0")
    assert data["date_note"].startswith(PLACEHOLDER)
    assert made.policy.startswith("# 注释\n")
    assert [r["id"] for r in made.rules_pending] == ["cap"]


def test_the_checklist_is_in_the_policies_readme():
    text = (SHIPPED / "README.md").read_text(encoding="utf-8")
    for n, (step, _) in enumerate(CHECKLIST, 1):
        assert f"{n}. **{step}**" in text, step


# ---------------------------------------------------------------- hostile input never escapes as an exception

def _paths(node, prefix=()):
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, prefix + (i,))
    return out


def _replace(node, path, value):
    if not path:
        return value
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = _replace(copy[path[0]], path[1:], value)
    return copy


_SMALL = _load(SHIPPED / "shanghai" / "2026.yaml")
_SMALL = {**_SMALL, "rules": _SMALL["rules"][19:22], "clauses": [{**c, "review": True} for c in _SMALL["clauses"][:3]],
          "date_note": PLACEHOLDER}
_LEAVES = st.none() | st.booleans() | st.integers(-(10**400), 10**400) | st.floats() | st.text(max_size=30) | \
    st.sampled_from(["不超过10万元", "2027年2月6日前", "11月底", "10-20天", "{x}", "../../etc/passwd", "2026-02-30"])
_VALUES = st.recursive(_LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                            max_size=3), max_leaves=6)


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "policies"
    (root / "shanghai" / "review").mkdir(parents=True)
    (root / "sources").mkdir()
    (root / "sources" / "shanghai-2026.txt").write_text(
        (SHIPPED / "sources" / "shanghai-2026.txt").read_text(encoding="utf-8"), encoding="utf-8")
    return root


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(_paths(_SMALL)), _VALUES), min_size=1, max_size=3),
       sidecar=_VALUES)
def test_folder_checks_never_raise(fuzz_root, changes, sidecar):
    data = _SMALL
    for path, value in changes:
        try:
            data = _replace(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue
    policy = fuzz_root / "shanghai" / "2026.yaml"
    policy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (fuzz_root / "shanghai" / "review" / "2026.yaml").write_text(
        yaml.safe_dump({"rules": sidecar}, allow_unicode=True), encoding="utf-8")
    problems = folder_problems([policy], fuzz_root)
    assert all(isinstance(p, str) and p.startswith(str(policy)) or "review" in p for p in problems)
