"""The Chinese web pages through the ASGI test client: pre-check form, upload, round trip, errors, compare pages."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
import yaml
from fastapi.testclient import TestClient

from engine.audit.store import Store
from engine.facts import load_facts_text
from service import questionnaire as qn
from service.testing import make_test_app

ROOT = Path(__file__).resolve().parent.parent
FLAWED = (ROOT / "examples" / "shanghai-2026" / "flawed.yaml").read_bytes()
NO_FILE = {"facts_file": ("", b"")}  # a browser always sends the file part, empty when nothing was chosen

# A flawed Shanghai 2026 municipal application as a browser would post it (empty inputs included).
FLAWED_FORM: dict[str, Any] = {
    "region": "shanghai", "as_of": "2026-02-01", "regime": "",
    "project.name": "嘉定区汽车零部件企业数字化转型专家服务团", "project.applicant_unit": "同济大学汽车学院",
    "project.level": "municipal", "project.direction": "enterprise_innovation", "project.relies_on_base": "true",
    "project.base_level": "", "project.sessions": "1", "project.cumulative_service_days": "4",
    "project.problems_per_session": "5", "project.start_date": "2026-05-01", "project.end_date": "",
    "project.budget.total_wan": "15", "project.budget.requested_support_wan": "12",
    "project.budget.sources": ["fiscal"], "project.submitted_on": "2026-02-09",
    "rows.project.locations": "1", "project.locations.0.province": "上海市", "project.locations.0.county": "嘉定区",
    "project.locations.0.national_key_county": "",
    "rows.project.served_units": "1", "project.served_units.0.name": "上海某汽车零部件有限公司",
    "project.served_units.0.type": "enterprise", "project.served_units.0.level": "county",
    "rows.experts": "2", "experts.0.name": "沈立军", "experts.0.title": "senior", "experts.0.willing": "true",
    "experts.0.honors": ["major_talent_program"], "experts.0.service_days_in_year": "4",
    "experts.1.name": "何佳", "experts.1.title": "intermediate", "experts.1.willing": "false",
    "action": "check",
}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    app, _, url = make_test_app(tmp_path_factory.mktemp("web"))
    with TestClient(app) as client:
        yield client, url


@pytest.fixture
def client(env: tuple[TestClient, str]) -> TestClient:
    return env[0]


def _token(client: TestClient) -> str:
    """This client's CSRF token: the page sets it as a cookie and echoes it in every form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    assert found and client.cookies.get("regimes_csrf") == found.group(1)
    return found.group(1)


def _post(client: TestClient, data: dict[str, Any], files: dict[str, Any] | None = None, url: str = "/") -> Any:
    return client.post(url, data={"csrf_token": _token(client), **data}, files=files or NO_FILE)


class _Page(HTMLParser):
    """What a browser would post back from the page's forms, plus ids, labels and headings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}
        self.ids: set[str] = set()
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, str]] = []  # (tag, id) of visible form controls
        self.headings: list[int] = []
        self.scripts = 0
        self._select: str | None = None
        self._option: tuple[str, bool] | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "script":
            self.scripts += 1
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag == "input" and a.get("type") not in ("hidden", "submit", "button"):
            self.controls.append((tag, a.get("id", "")))
        if tag == "input" and a.get("name") and a.get("type") != "file":
            if a.get("type") != "checkbox" or "checked" in a:
                self.values.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select":
            self._select = a.get("name")
            self.controls.append((tag, a.get("id", "")))
        elif tag == "option" and self._select:
            self._option = (a.get("value", ""), "selected" in a)
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""
            self.controls.append((tag, a.get("id", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option and self._option[1] and self._select:
            self.values.setdefault(self._select, []).append(self._option[0])
        if tag == "textarea" and self._textarea:
            self.values.setdefault(self._textarea, []).append(self._text.removeprefix("\n"))
            self._textarea = None
        if tag == "select":
            self._select = None


def _page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _error_at(html: str, name: str) -> str:
    match = re.search(rf'<div class="error" id="field-{re.escape(name)}-error">(.*?)</div>', html, re.S)
    assert match, f"no inline error at {name}"
    return re.sub(r"<[^>]+>", "", match.group(1))


def _count(url: str) -> int:
    store = Store(url)
    try:
        return store.count()
    finally:
        store.close()


# ---------------------------------------------------------------- the pre-check page

def test_precheck_page_is_chinese_accessible_and_needs_no_javascript(client: TestClient) -> None:
    assert "按所选规则生成问卷" in client.get("/").text
    response = client.get("/", params={"regime": "liaoning-2026"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="zh-CN">' in html and 'name="viewport"' in html
    assert 'href="/" aria-current="page">预审</a>' in html and 'href="/compare">对比</a>' in html
    page = _page(html)
    assert page.scripts == 0
    unlabelled = [cid for tag, cid in page.controls if cid not in page.label_for]
    assert not unlabelled, f"controls without <label for>: {unlabelled[:5]}"
    assert page.headings[0] == 1 and all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    for field in ("project.level", "project.budget.requested_support_wan", "project.submitted_on", "experts.0.title",
                  "project.served_units.0.type", "project.locations.0.province", "project.service_forms"):
        assert f"field-{field}" in page.ids
    assert 'type="date"' in html and 'name="project.service_forms" value="free_clinic"' in html
    assert '<option value="associate_senior">副高级</option>' in html  # enum labels from engine.vocabulary
    assert "是否为浙江山区26县" not in html  # asked only where a rule reads it (Zhejiang)
    assert client.get("/static/site.css").headers["content-type"].startswith("text/css")


def test_flawed_shanghai_form_is_ineligible_on_the_funding_clause_and_logged(env: tuple[TestClient, str]) -> None:
    client, url = env
    before = _count(url)
    response = _post(client, FLAWED_FORM)
    assert response.status_code == 200
    html = response.text
    assert "不符合条件" in html and "shanghai-2026" in html
    assert "附件1 二、经费保障" in html and "上海市专家服务团经费支持不超过 10 万元" in html
    assert "市级专家服务团经费支持不超过10万元；申请12万元" in html
    decision_id = re.search(r"判定编号 <code>([0-9a-f-]{36})</code>", html)
    assert decision_id and _count(url) == before + 1
    store = Store(url)
    try:
        logged = store.get(decision_id.group(1))
    finally:
        store.close()
    assert logged is not None
    facts = logged.as_dict()["facts"]
    assert facts["project"]["budget"] == {"total_wan": 15, "requested_support_wan": 12, "sources": ["fiscal"]}
    assert facts["experts"][1] == {"name": "何佳", "title": "intermediate", "willing": False}
    assert "base_level" not in facts["project"] and "end_date" not in facts["project"]  # empty = absent
    assert facts["project"]["locations"] == [{"province": "上海市", "county": "嘉定区"}]


def test_missing_facts_link_to_the_form_field_to_fill(client: TestClient) -> None:
    html = _post(client, FLAWED_FORM).text
    page = _page(html)
    missing = html[html.index('id="res-missing"'):html.index('id="res-warning"')]
    assert '<a href="#field-project.base_level">基地层级</a>' in missing
    for target in re.findall(r'href="#(field-[^"]+)"', html):
        assert target in page.ids, f"link to a missing anchor {target}"


def test_the_result_page_keeps_every_value_typed(client: TestClient) -> None:
    page = _page(_post(client, FLAWED_FORM).text)
    for name, value in FLAWED_FORM.items():
        if name != "action":
            assert page.values.get(name, [""]) == (value if isinstance(value, list) else [value]), name


def test_upload_fills_the_form_and_keeps_the_rest_of_the_file(client: TestClient) -> None:
    files = {"facts_file": ("flawed.yaml", FLAWED, "application/yaml")}
    response = _post(client, {"region": "shanghai", "as_of": "2026-02-01"}, files)
    assert response.status_code == 200
    html = response.text
    assert "不符合条件" in html
    page = _page(html)
    assert page.values["project.budget.requested_support_wan"] == ["12"]
    assert page.values["experts.1.name"] == ["何佳"] and page.values["rows.experts"] == ["2"]
    assert page.values["region"] == ["shanghai"]
    # facts the questionnaire does not ask ride along, listed in a details view
    assert page.values["listing.entries.1.project_id"] == ["SH-2026-048"]
    assert "问卷未询问、但随表单一并提交的内容" in html
    # posting the filled form back (what 预审 does next) gives the same verdict without the file
    again = {name: values if len(values) > 1 or name.endswith((".sources", ".honors", ".service_forms")) else values[0]
             for name, values in page.values.items()}
    second = _post(client, {**again, "action": "check"})
    assert second.status_code == 200 and "不符合条件" in second.text
    # the listing came from the file only, and is judged when the listing is what is judged
    listing = _post(client, {**again, "action": "check", "judge": "listing"})
    assert listing.status_code == 200 and "每单位申报不超过1个项目" in listing.text and "不符合条件" in listing.text


def test_bad_number_date_and_enum_are_shown_at_their_fields_with_the_values_kept(client: TestClient) -> None:
    form = {**FLAWED_FORM, "project.budget.requested_support_wan": "12万", "project.submitted_on": "2026-02-30",
            "experts.1.title": "professor", "project.service_forms": ["technical_guidance", "dancing"],
            "project.name": "<b>测试</b> & 项目"}
    response = _post(client, form)
    assert response.status_code == 422
    html = response.text
    assert "提交的内容有" in html and "已填写的内容都保留在下方表单中" in html
    assert "不是数字" in _error_at(html, "project.budget.requested_support_wan")
    assert "不是有效日期" in _error_at(html, "project.submitted_on")
    assert "不是允许的取值" in _error_at(html, "experts.1.title")
    assert "不是允许的取值" in _error_at(html, "project.service_forms")
    assert 'id="field-project.submitted_on" name="project.submitted_on" aria-describedby' in html
    assert 'aria-invalid="true" type="text" value="2026-02-30"' in html  # shown as typed, not blanked by type=date
    assert "<b>测试</b>" not in html and "&lt;b&gt;测试&lt;/b&gt; &amp; 项目" in html
    page = _page(html)
    for name, value in form.items():
        if name != "action":
            assert page.values.get(name, [""]) == (value if isinstance(value, list) else [value]), name


def test_regime_choice_errors_are_inline(client: TestClient) -> None:
    html = _post(client, {**FLAWED_FORM, "region": ""}).text
    assert "请选择地区" in _error_at(html, "region")
    early = _post(client, {**FLAWED_FORM, "as_of": "2020-01-01"})
    assert early.status_code == 422 and "尚无生效的规则集" in _error_at(early.text, "as_of")
    assert "不是有效日期" in _error_at(_post(client, {**FLAWED_FORM, "as_of": "2026-13-01"}).text, "as_of")
    assert "未知的地区" in _error_at(_post(client, {**FLAWED_FORM, "region": "火星"}).text, "region")
    unknown = _post(client, {**FLAWED_FORM, "regime": "atlantis-2026"}).text
    assert "未知的规则集" in _error_at(unknown, "regime") and 'value="atlantis-2026" selected' in unknown
    by_name = _post(client, {**FLAWED_FORM, "region": "上海"})  # the Chinese name selects the region too
    assert by_name.status_code == 200 and '<option value="shanghai" selected>' in by_name.text
    chosen = _post(client, {**FLAWED_FORM, "region": "", "regime": "liaoning-2026"})
    assert chosen.status_code == 200 and "规则集 <strong>liaoning-2026</strong>" in chosen.text


def test_a_regime_chosen_by_name_out_of_its_time_says_so(client: TestClient) -> None:
    # an edition picked by id is applied as asked, with the edition in force on that date named above the verdict
    old = _post(client, {**FLAWED_FORM, "region": "", "regime": "shanghai-2022", "as_of": "2026-06-01"})
    assert old.status_code == 200 and "上海现行的是 shanghai-2026" in old.text
    current = _post(client, {**FLAWED_FORM, "region": "", "regime": "shanghai-2026", "as_of": "2026-06-01"})
    assert current.status_code == 200 and "现行的是" not in current.text and "尚未适用" not in current.text


def test_add_and_remove_rows_without_javascript(client: TestClient) -> None:
    added = _post(client, {**FLAWED_FORM, "action": "add:experts"})
    assert added.status_code == 200 and "预审结论" not in added.text
    page = _page(added.text)
    assert page.values["rows.experts"] == ["3"] and "field-experts.2.name" in page.ids
    assert 'id="field-experts.2.name" name="experts.2.name" autofocus' in added.text
    assert page.values["experts.1.name"] == ["何佳"]
    removed = _page(_post(client, {**FLAWED_FORM, "action": "remove:experts:0"}).text)
    assert removed.values["rows.experts"] == ["1"] and removed.values["experts.0.name"] == ["何佳"]
    assert removed.values["experts.0.title"] == ["intermediate"] and "experts.1.name" not in removed.values
    units = _page(_post(client, {**FLAWED_FORM, "action": "add:project.served_units"}).text)
    assert units.values["rows.project.served_units"] == ["2"]


def test_empty_expert_rows_are_not_experts_and_errors_point_at_the_right_row(client: TestClient) -> None:
    form = {**FLAWED_FORM, "rows.experts": "3", "experts.0.name": "", "experts.0.title": "", "experts.0.willing": "",
            "experts.0.honors": [], "experts.0.service_days_in_year": "", "experts.2.title": "professor"}
    html = _post(client, form).text
    assert "不是允许的取值" in _error_at(html, "experts.2.title")  # facts index 1, form row 2


def test_bad_input_never_gives_a_500(client: TestClient) -> None:
    cases = [
        ({**FLAWED_FORM, "listing.entries.0.kind": "many"}, None, 422),
        ({**FLAWED_FORM, "project.nonsense": "1", "experts.x.title": "senior"}, None, 200),
        ({**FLAWED_FORM, "rows.experts": "999999999"}, None, 200),
        ({**FLAWED_FORM, "rows.experts": "-3", "action": "remove:experts:abc"}, None, 200),
        ({**FLAWED_FORM, "action": "remove:nothing:0"}, None, 200),
        ({**FLAWED_FORM, "project.sessions": "1e999", "project.onsite_days": "nan"}, None, 422),
        ({**FLAWED_FORM, "project.relies_on_base": "maybe"}, None, 422),
        ({"region": "shanghai"}, {"facts_file": ("x.yaml", b"\xff\xfe\x00bad")}, 422),
        ({"region": "shanghai"}, {"facts_file": ("x.yaml", b"project: [unclosed")}, 422),
        ({"region": "shanghai"}, {"facts_file": ("x.json", b'{"experts": [{"title": "professor"}]}')}, 422),
    ]
    for data, files, status in cases:
        response = _post(client, data, files)
        assert response.status_code == status, (data.get("action"), files, response.text[:300])
        assert "<h1>专家服务基层项目预审</h1>" in response.text
    bad_file = _post(client, {"region": "shanghai"}, {"facts_file": ("x.json", b'{"experts": [{"title": "professor"}]}')})
    assert "x.json:1:" in _error_at(bad_file.text, "facts_file")
    garbage = client.post("/", content=b"--zzz\r\nnonsense", headers={"Content-Type": "multipart/form-data; boundary=zzz"})
    assert garbage.status_code in (400, 403) and "text/html" in garbage.headers["content-type"]
    plain = client.post("/", data={"region": "shanghai", "project.level": "municipal",  # urlencoded, no file part
                                   "csrf_token": _token(client)})
    assert plain.status_code == 200 and "预审结论" in plain.text


# ---------------------------------------------------------------- compare pages

def test_compare_index_offers_the_three_comparisons(client: TestClient) -> None:
    html = client.get("/compare").text
    assert 'href="/compare" aria-current="page">对比</a>' in html
    assert 'action="/compare/matrix"' in html and 'action="/compare/diff"' in html and 'action="/compare/facts"' in html
    page = _page(html)
    assert not [cid for _, cid in page.controls if cid not in page.label_for]


def test_matrix_page(client: TestClient) -> None:
    response = client.get("/compare/matrix", params=[("regimes", "liaoning-2026"), ("regimes", "shanghai-2026"),
                                                     ("topics", "funding.support"), ("topics", "project.cumulative_days")])
    assert response.status_code == 200
    html = response.text
    assert "上海市专家服务团经费支持不超过 10 万元" in html and "累计服务天数 ≥ 5天（硬性要求）" in html
    assert '<span class="none">未规定</span>' in html and 'data-label="shanghai-2026 上海"' in html
    assert client.get("/compare/matrix").status_code == 200
    bad = client.get("/compare/matrix", params={"regimes": "atlantis-2026", "topics": "nonsense"})
    assert bad.status_code == 422 and "未知的规则集" in _error_at(bad.text, "regimes")
    assert "未知的主题" in _error_at(bad.text, "topics")


def test_diff_page(client: TestClient) -> None:
    response = client.get("/compare/diff", params={"from": "shanghai-2022", "to": "shanghai-2026"})
    assert response.status_code == 200
    html = response.text
    assert "规则集差异：shanghai-2022 → shanghai-2026" in html and "新增主题" in html and "经费支持" in html
    assert "同时显示未变的规则" in html
    same = client.get("/compare/diff", params={"from": "shanghai-2026", "to": "shanghai-2026"}).text
    assert "两个规则集的规则完全相同" in same and "<code>funding-support-municipal</code>" not in same
    everything = client.get("/compare/diff", params={"from": "shanghai-2026", "to": "shanghai-2026", "all": "1"}).text
    assert "<code>funding-support-municipal</code>" in everything and "只看有变化的规则" in everything
    bad = client.get("/compare/diff", params={"from": "atlantis-2026", "to": ""})
    assert bad.status_code == 422 and "未知的规则集" in _error_at(bad.text, "diff_from")
    assert "请选择" in _error_at(bad.text, "diff_to")


def test_facts_under_every_regime(client: TestClient) -> None:
    response = _post(client, {"as_of": "2026-02-01"}, {"facts_file": ("flawed.yaml", FLAWED)}, url="/compare/facts")
    assert response.status_code == 200
    html = response.text
    assert "各规则集结论" in html and "liaoning-2026" in html and "zhejiang-2023" in html and "≠" in html
    text = "experts:\n  - {id: E1, title: intermediate, equivalent_level: false}\n"
    pasted = _post(client, {"facts_text": text, "regimes": ["liaoning-2026", "shanghai-2026"]}, url="/compare/facts")
    assert pasted.status_code == 200 and "zhejiang-2023" not in pasted.text and "不符合（硬性要求）" in pasted.text
    bad = _post(client, {"facts_text": "experts: [{title: professor}]"}, url="/compare/facts")
    assert bad.status_code == 422 and "不是允许的取值" in _error_at(bad.text, "facts_text")
    assert "experts: [{title: professor}]" in bad.text  # the pasted text is kept
    nothing = _post(client, {"as_of": "2026-99-01"}, url="/compare/facts")
    assert nothing.status_code == 422 and "请上传事实文件" in _error_at(nothing.text, "facts_file")
    assert "不是有效日期" in _error_at(nothing.text, "compare_as_of")


def test_precheck_form_compared_under_every_regime_and_back(client: TestClient) -> None:
    response = _post(client, {**FLAWED_FORM, "action": "compare"})
    assert response.status_code == 200
    assert "同一份事实在各规则集下的结论" in response.text and "heilongjiang-2025" in response.text
    back = _page(response.text).values
    back.pop("action", None)
    restored = _post(client, {**{k: v if k.endswith((".sources", ".honors")) else v[0] for k, v in back.items()},
                              "action": "edit"})
    page = _page(restored.text)
    for name, value in FLAWED_FORM.items():
        if name != "action":
            assert page.values.get(name, [""]) == (value if isinstance(value, list) else [value]), name


# ---------------------------------------------------------------- CSRF and strict UTF-8 (issue 14)

def test_posts_need_this_browsers_csrf_token(env: tuple[TestClient, str]) -> None:
    client, url = env
    page = client.get("/")
    cookie = page.headers["set-cookie"] if "set-cookie" in page.headers else ""
    token = _token(client)
    assert not cookie or ("HttpOnly" in cookie and "SameSite=strict" in cookie)
    before = _count(url)
    for data in ({k: v for k, v in FLAWED_FORM.items()},  # no token
                 {**FLAWED_FORM, "csrf_token": "x" * 43},  # somebody else's
                 {**FLAWED_FORM, "csrf_token": ""}):
        refused = client.post("/", data=data, files=NO_FILE)
        assert refused.status_code == 403 and "安全令牌" in refused.text and "text/html" in refused.headers["content-type"]
    stranger = TestClient(client.app)  # a forged cross-site post carries the victim's cookie but cannot know the token
    stranger.cookies.set("regimes_csrf", token)
    assert stranger.post("/", data=FLAWED_FORM, files=NO_FILE).status_code == 403
    assert client.post("/compare/facts", data={"facts_text": "experts: []"}, files=NO_FILE).status_code == 403
    assert _count(url) == before  # nothing refused was evaluated or logged
    assert _post(client, FLAWED_FORM).status_code == 200 and _count(url) == before + 1
    assert _post(client, {"facts_text": "experts: []"}, url="/compare/facts").status_code == 200
    for html in (client.get("/compare").text, client.get("/", params={"regime": "shanghai-2026"}).text):
        assert f'name="csrf_token" value="{token}"' in html  # every post form carries it


def _multipart(fields: list[tuple[bytes, bytes]]) -> tuple[bytes, dict[str, str]]:
    boundary = b"----x9f2"
    body = b"".join(b"--" + boundary + b'\r\nContent-Disposition: form-data; name="' + name + b'"\r\n\r\n' + value + b"\r\n"
                    for name, value in fields) + b"--" + boundary + b"--\r\n"
    return body, {"Content-Type": "multipart/form-data; boundary=" + boundary.decode()}


def test_form_fields_are_decoded_strictly_as_utf8(env: tuple[TestClient, str]) -> None:
    client, url = env
    token = _token(client).encode()
    before = _count(url)
    good = "嘉定区专家服务团".encode()
    bad = "嘉定区".encode("gbk")  # what a wrongly set browser or a script sends: not UTF-8
    urlencoded = b"&".join([b"csrf_token=" + token, b"regime=shanghai-2026", b"action=check",
                            b"project.name=" + quote_from_bytes(bad).encode(), b"project.level=municipal"])
    response = client.post("/", content=urlencoded, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400 and "项目名称" in response.text and "不是有效的 UTF-8 文本" in response.text
    assert _page(response.text).values.get("project.level") == ["municipal"]  # the rest is kept
    raw = b"csrf_token=" + token + b"&regime=shanghai-2026&project.name=" + bad  # raw bytes, not %-escaped
    assert client.post("/", content=raw, headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 400
    body, headers = _multipart([(b"csrf_token", token), (b"regime", b"shanghai-2026"), (b"project.name", bad)])
    response = client.post("/", content=body, headers=headers)
    assert response.status_code == 400 and "项目名称" in response.text and "UTF-8" in response.text
    body, headers = _multipart([(b"csrf_token", token), (b"facts_text", b"experts: [{name: " + bad + b"}]")])
    assert client.post("/compare/facts", content=body, headers=headers).status_code == 400
    latin = {"Content-Type": "multipart/form-data; charset=latin-1; boundary=----x9f2"}
    assert client.post("/", content=body, headers=latin).status_code == 400
    assert _count(url) == before  # no mojibake reached the decision log
    body, headers = _multipart([(b"csrf_token", token), (b"regime", b"shanghai-2026"), (b"project.name", good)])
    response = client.post("/", content=body, headers=headers)
    assert response.status_code == 200 and _count(url) == before + 1
    assert _page(response.text).values["project.name"] == ["嘉定区专家服务团"]


# ---------------------------------------------------------------- the questionnaire round trip and the result

def _posted_back(html: str) -> dict[str, Any]:
    """The page's form as the browser would post it unchanged (lists stay lists)."""
    values = _page(html).values
    values.pop("action", None)
    return {k: v if len(v) > 1 or qn.leaf_for(k) is not None and qn.leaf_for(k).kind == "multi" else v[0]  # type: ignore[union-attr]
            for k, v in values.items()}


def _decision(url: str, html: str) -> dict[str, Any]:
    found = re.search(r"判定编号 <code>([0-9a-f-]{36})</code>", html)
    assert found, html[:500]
    store = Store(url)
    try:
        logged = store.get(found.group(1))
    finally:
        store.close()
    assert logged is not None
    return logged.as_dict()


def _same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a["facts"] == b["facts"]
    ra, rb = ({k: v for k, v in d["result"].items() if k != "decision_id"} for d in (a, b))
    assert ra == rb


EXAMPLES = sorted((ROOT / "examples").glob("*/*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[f"{p.parent.name}/{p.name}" for p in EXAMPLES])
def test_upload_then_submit_the_form_unchanged_gives_the_same_verdict_and_counts(env: tuple[TestClient, str],
                                                                                path: Path) -> None:
    client, url = env
    regime = path.parent.name
    judgements = re.findall(r"^  (\w+): \{subjects", (ROOT / "policies" / regime.split("-")[0] /
                                                      f"{regime.split('-')[1]}.yaml").read_text(encoding="utf-8"), re.M)
    assert judgements
    for judge in judgements:
        for stage in ("application", "closing"):
            choice = {"regime": regime, "as_of": "2026-06-01", "stage": stage, "judge": judge}
            first = _post(client, choice, {"facts_file": (path.name, path.read_bytes(), "application/yaml")})
            assert first.status_code == 200, (judge, stage, first.text[:300])
            second = _post(client, {**_posted_back(first.text), "action": "check"})
            assert second.status_code == 200, (judge, stage)
            one, two = _decision(url, first.text), _decision(url, second.text)
            _same(one, two)
            assert _chips(first.text) == _chips(second.text)
            # the facts downloaded as YAML at this point, uploaded again: the same again
            download = _post(client, {**_posted_back(second.text), "action": "download-facts"})
            assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
            third = _post(client, choice, {"facts_file": ("facts.yaml", download.content, "application/yaml")})
            _same(one, _decision(url, third.text))


def _chips(html: str) -> dict[str, int]:
    return {css: int(n) for css, n in re.findall(r'<li class="chip chip-([a-z]+)"><a href="#res-\1">[^<]*<b>(\d+)</b>', html)}


def _section(html: str, css: str) -> str:
    start = html.index(f'id="res-{css}"')
    ends = [i for i in (html.find('id="res-', start + 10), html.find("</section>", start)) if i > 0]
    return html[start:min(ends)]


def test_chips_count_exactly_what_the_sections_list(client: TestClient) -> None:
    for path in EXAMPLES:
        html = _post(client, {"regime": path.parent.name, "as_of": "2026-06-01"},
                     {"facts_file": (path.name, path.read_bytes(), "application/yaml")}).text
        chips = _chips(html)
        assert chips, path
        for css, count in chips.items():
            body = _section(html, css)
            listed = body.count('<li id="r-') if css not in ("manual", "obligations", "na", "later") \
                else body.count("<tr><td") if css == "obligations" else body.count("<li>")
            assert listed == count, (path, css, count, listed)
            assert re.search(rf"（{count}）</h3>", body), (path, css)
        verdict = re.search(r'<span class="verdict verdict-(\w+)">', html).group(1)  # type: ignore[union-attr]
        assert (verdict == "ineligible") == ("fail" in chips), path  # 符合条件 never next to a failed hard requirement
        if verdict == "eligible":
            assert "missing" not in chips


def test_a_failure_links_to_its_field_which_shows_the_limit_and_the_clause(client: TestClient) -> None:
    html = _post(client, FLAWED_FORM).text
    failures = _section(html, "fail")
    assert '<a href="#field-project.budget.requested_support_wan">申请经费支持</a>' in failures
    field = re.search(r'<div class="field field-number flagged flagged-fail">(?:(?!<div class="field ).)*?'
                      r'id="field-project.budget.requested_support_wan".*?</div>\s*</div>', html, re.S)
    assert field, "the funding field is not highlighted"
    text = re.sub(r"<[^>]+>", "", field.group(0))
    assert "未通过" in text and "≤ 10万元" in text and "附件1 二、经费保障" in text and "不超过 10 万元" in text
    assert 'aria-invalid="true"' in field.group(0) and "field-project.budget.requested_support_wan-flag" in field.group(0)
    # a warning on an expert's title points at that expert's row
    assert '<a href="#field-experts.1.title">专家 2 · 职称</a>' in _section(html, "warning")


def test_results_download_as_json_and_yaml_and_the_facts_as_yaml(env: tuple[TestClient, str]) -> None:
    client, url = env
    html = _post(client, FLAWED_FORM).text
    logged = _decision(url, html)
    links = dict(re.findall(r'<a download="[^"]*\.(json|yaml)" href="data:[^;]+;charset=utf-8;base64,([^"]+)">', html))
    result = json.loads(base64.b64decode(links["json"]))
    assert result == logged["result"] and result["decision_id"]
    yaml_links = re.findall(r'<a download="([^"]*)\.yaml" href="data:[^;]+;charset=utf-8;base64,([^"]+)">', html)
    texts = {name.split("-")[0]: base64.b64decode(data).decode() for name, data in yaml_links}
    assert yaml.safe_load(texts["预审结果"]) == json.loads(json.dumps(logged["result"]))
    assert load_facts_text(texts["预审事实"]) == logged["facts"]


def test_blank_questionnaires_are_never_eligible(client: TestClient) -> None:
    for regime in ("liaoning-2026", "shanghai-2022", "shanghai-2026", "zhejiang-2023", "heilongjiang-2025"):
        for judge in ("application", "expert", "base"):
            html = _post(client, {"regime": regime, "judge": judge, "as_of": "2026-06-01"}).text
            if "不可选" in html:
                continue  # the regime makes no such judgement
            assert "预审结论" in html and "verdict-eligible" not in html, (regime, judge)
    only_region = _post(client, {"region": "shanghai", "as_of": "2026-06-01"}).text
    assert "verdict-incomplete" in only_region


def test_the_result_page_shows_no_fact_paths_or_codes_outside_details(client: TestClient) -> None:
    html = _post(client, FLAWED_FORM).text
    result = html[html.index('<section class="result"'):html.index("</section>", html.index('<section class="result"'))]
    visible = re.sub(r"<details.*?</details>", "", result, flags=re.S)
    visible = re.sub(r"<code>.*?</code>|<[^>]+>", " ", visible)
    leaks = re.findall(r"[a-z_]+\.[a-z_]+|[a-z]+\[\d+\]|\b[a-z]+_[a-z_]+\b|\b(?:municipal|senior|intermediate)\b", visible)
    assert not leaks, leaks[:10]


def test_compare_from_the_form_says_what_each_regime_ignores(client: TestClient) -> None:
    html = _post(client, {**FLAWED_FORM, "action": "compare"}).text
    # "not read this time", never "no effect": a later stage or another judgement may read them
    assert "本次未读取的已填事实" in html and "以后阶段或其他判定对象可能读取" in html
    row = re.search(r'<tr><th scope="row">黑龙江 2025.*?</tr>', html, re.S)
    assert row and "申请经费支持" in row.group(0)  # Heilongjiang reads no funding figure
    row = re.search(r'<tr><th scope="row">上海 2026.*?</tr>', html, re.S)
    assert row and "申请经费支持" not in row.group(0)


def test_explicit_none_answers_reach_the_facts(env: tuple[TestClient, str]) -> None:
    client, url = env
    html = _post(client, {**FLAWED_FORM, "project.service_forms": [qn.NONE], "list.project.locations": "none",
                          "project.locations.0.province": "", "project.locations.0.county": ""}).text
    facts = _decision(url, html)["facts"]
    assert facts["project"]["service_forms"] == [] and facts["project"]["locations"] == []
    assert "list.project.locations" in _page(html).values and _page(html).values["project.service_forms"] == [qn.NONE]


def test_questions_a_when_makes_irrelevant_are_marked(client: TestClient) -> None:
    form = {"regime": "liaoning-2026", "stage": "implementation", "as_of": "2026-06-01", "project.foreign_experts": "false"}
    html = _post(client, form).text
    field = re.search(r'<div class="field field-bool inapplicable">(?:(?!<div class="field ).)*?'
                      r'id="field-project.foreign_affairs_approved"(?:(?!<div class="field ).)*', html, re.S)
    assert field and "按已填内容，本项目前不适用" in field.group(0) and "邀请境外专家 = 是" in field.group(0)
    asked = _post(client, {**form, "project.foreign_experts": "true"}).text
    assert 'class="field field-bool inapplicable"' not in asked.split('id="field-project.foreign_affairs_approved"')[0][-400:]


def test_the_not_applicable_chip_counts_entries_like_the_summary(client: TestClient) -> None:
    from engine.facts import load_facts_file

    path = Path(__file__).resolve().parent.parent / "examples" / "heilongjiang-2025" / "compliant.yaml"
    page = _post(client, {"action": "check", "regime": "heilongjiang-2025", "as_of": "2026-06-01"},
                 files={"facts_file": ("c.yaml", path.read_bytes(), "application/yaml")})
    assert page.status_code == 200, page.text[:500]
    import datetime as dt

    from engine.evaluate import evaluate
    from engine.registry import Registry

    result = evaluate(Registry.load().get("heilongjiang-2025"), load_facts_file(path), dt.date(2026, 6, 1))
    listed = re.search(r'<ul class="na-list">(.*?)</ul>', page.text, re.S)
    assert listed is not None and listed.group(1).count("<li>") == result["summary"]["not_applicable"] > 1


def test_the_compare_page_shows_what_each_verdict_did_not_judge(client: TestClient) -> None:
    path = Path(__file__).resolve().parent.parent / "examples" / "liaoning-2026" / "compliant.yaml"
    page = _post(client, {"action": "compare", "as_of": "2026-06-15"},
                 files={"facts_file": ("c.yaml", path.read_bytes(), "application/yaml")})
    assert page.status_code == 200, page.text[:300]
    html = page.text
    assert "以后阶段的要求（本次未判定）" in html and "需人工核对（" in html
    assert "辽宁两份文件适用时间不同" in html  # liaoning's caveat beside its verdict
    assert "上海现行的是 shanghai-2026" in html  # shanghai-2022, compared on a 2026 date, says it is not in force
    assert "对本规则集不起作用" not in html
