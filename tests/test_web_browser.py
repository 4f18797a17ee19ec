"""The pre-check page in a real headless Chromium (Debian `chromium` + `chromium-driver`) against the real server.

Fills the form for a flawed Shanghai 2026 municipal application asking 12万元, adds an expert row through the
no-JavaScript "添加专家" button, submits, and expects 不符合条件 with the 附件1 二、经费保障 funding clause.
Screenshots (desktop and a 390 px phone) go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.testing import copy_policies

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
START_TIMEOUT = 30.0
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=zh-CN")


def _browser_missing() -> str | None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (os.path.exists(p) or shutil.which(Path(p).name))]
    return f"未安装 {'、'.join(missing)}（Debian: apt-get install chromium chromium-driver）" if missing else None


@pytest.fixture(scope="module", autouse=True)
def _need_browser() -> None:
    reason = _browser_missing()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI 必须能运行浏览器测试：{reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("web-browser")
    root = copy_policies(tmp / "policies")
    port = _free_port()
    env = {**os.environ, "REGIMES_POLICIES": str(root), "REGIMES_DATABASE_URL": f"sqlite:///{tmp / 'decisions.db'}"}
    log_path = tmp / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                assert proc.poll() is None, log_path.read_text(errors="replace")
                try:
                    if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "timed out waiting for the server"
                time.sleep(0.05)
            yield base
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1280,900")
    browser = webdriver.Chrome(service=Service(shutil.which("chromedriver") or CHROMEDRIVER), options=options)
    try:
        browser.set_page_load_timeout(30)
        yield browser
    finally:
        browser.quit()


def _by_id(driver: Any, element_id: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, element_id)


def _type(driver: Any, name: str, text: str) -> None:
    field = _by_id(driver, f"field-{name}")
    field.clear()
    field.send_keys(text)


def _choose(driver: Any, name: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(_by_id(driver, f"field-{name}")).select_by_value(value)


def _date(driver: Any, name: str, iso: str) -> None:
    # typing into <input type=date> depends on the browser's locale; the value is what the form posts
    driver.execute_script("arguments[0].value = arguments[1]", _by_id(driver, f"field-{name}"), iso)


def _click(driver: Any, selector: str) -> None:
    from selenium.webdriver.common.by import By

    button = driver.find_element(By.CSS_SELECTOR, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()


def _screenshot(driver: Any, element_id: str, path: Path, width: int, height: int = 900) -> None:
    """The element, top to bottom (beyond the viewport), at the given viewport width."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    box = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height};",
        _by_id(driver, element_id))
    clip = {"x": 0, "y": max(box["y"] - 80, 0), "width": width, "height": min(box["height"] + 100, 8000), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
    import base64

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_flawed_shanghai_2026_application_is_ineligible_with_the_funding_clause(server: str, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    driver.get(server + "/")
    assert driver.find_element(By.TAG_NAME, "h1").text == "专家服务基层项目预审"
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    _choose(driver, "region", "shanghai")
    _date(driver, "as_of", "2026-02-01")
    _type(driver, "project.name", "嘉定区汽车零部件企业数字化转型专家服务团")
    _type(driver, "project.applicant_unit", "同济大学汽车学院")
    _choose(driver, "project.level", "municipal")
    _choose(driver, "project.direction", "enterprise_innovation")
    _choose(driver, "project.relies_on_base", "true")
    _type(driver, "project.sessions", "1")
    _type(driver, "project.cumulative_service_days", "4")
    _type(driver, "project.problems_per_session", "5")
    _type(driver, "project.locations.0.province", "上海市")
    _type(driver, "project.locations.0.county", "嘉定区")
    _type(driver, "project.served_units.0.name", "上海某汽车零部件有限公司")
    _choose(driver, "project.served_units.0.type", "enterprise")
    _type(driver, "project.content_text", "面向嘉定区汽车零部件中小企业开展数字化车间诊断、工艺优化和质量管理咨询。")
    _type(driver, "project.budget.total_wan", "15")
    _type(driver, "project.budget.requested_support_wan", "12")
    _date(driver, "project.submitted_on", "2026-02-09")
    _type(driver, "experts.0.name", "沈立军")
    _choose(driver, "experts.0.title", "senior")
    _choose(driver, "experts.0.willing", "true")

    _click(driver, "button[value='add:experts']")  # a plain form post: the page comes back with a second row
    assert _by_id(driver, "field-experts.0.name").get_attribute("value") == "沈立军"
    assert _by_id(driver, "field-project.budget.requested_support_wan").get_attribute("value") == "12"
    _type(driver, "experts.1.name", "何佳")
    _choose(driver, "experts.1.title", "intermediate")
    _choose(driver, "experts.1.willing", "false")
    _click(driver, "div.actions button[value='check']")

    result = _by_id(driver, "result")
    text = result.text
    assert "预审结论：不符合条件" in text
    assert "附件1 二、经费保障" in text and "不超过 10 万元" in text
    failed = driver.find_element(By.CSS_SELECTOR, "ol.results-fail").text
    assert "市级专家服务团经费支持不超过10万元；申请12万元" in failed
    assert "判定编号" in text
    # the answer keeps everything typed, so the applicant can fix and resubmit
    assert _by_id(driver, "field-experts.1.name").get_attribute("value") == "何佳"
    assert _by_id(driver, "field-project.submitted_on").get_attribute("value") == "2026-02-09"
    # a missing fact links to the field to fill in
    link = driver.find_element(By.CSS_SELECTOR, "ol.results-missing a[href='#field-project.base_level']")
    assert link.text == "基地层级"

    _screenshot(driver, "result", ARTIFACTS / "web-precheck-shanghai-2026.png", 1280)
    _screenshot(driver, "result", ARTIFACTS / "web-precheck-shanghai-2026-phone.png", 390, 844)
    assert (ARTIFACTS / "web-precheck-shanghai-2026.png").stat().st_size > 10_000
    assert (ARTIFACTS / "web-precheck-shanghai-2026-phone.png").stat().st_size > 10_000
    # on a phone the page does not scroll sideways
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1,
                                                                   "mobile": True})
    try:
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert overflow <= 1
