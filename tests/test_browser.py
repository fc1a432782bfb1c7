"""The demo site in a real browser (headless Chromium): search works, nothing is loaded from
outside the site, and pages fit a 360 px phone.  Skipped where no Chromium is installed, unless
GONGSHI_BROWSER_REQUIRED=1 (as in CI, whose .ci/run installs it)."""

import functools
import http.server
import os
import shutil
import threading
from datetime import date

import pytest

from conftest import REPO, run

CHROMIUM = os.environ.get("GONGSHI_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("GONGSHI_BROWSER_REQUIRED") == "1"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

if not (CHROMIUM and sync_playwright):
    if REQUIRED:
        raise RuntimeError("GONGSHI_BROWSER_REQUIRED=1 but Chromium or playwright is missing")
    pytest.skip("no Chromium/playwright on this machine", allow_module_level=True)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    site = tmp_path_factory.mktemp("demo")
    for part in ("site_config.yaml", "data", "content"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, site / part)
    result, report = run(site, date(2026, 11, 29), out=site / "public", search=True)
    assert result, [d.format() for d in report.errors]
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site / "public"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def phone(browser, base_url):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))
    yield page
    context.close()


def search(page, base_url, query):
    from urllib.parse import quote

    page.goto(f"{base_url}/search/?q={quote(query)}")
    page.wait_for_selector(".pagefind-ui__result-link", timeout=20000)
    return page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.getAttribute('href'))")


def test_search_finds_a_penalty_by_credit_code_name_and_document_number(phone, base_url):
    import json

    record = json.loads(phone.request.get(f"{base_url}/opendata/penalties.json").text())["records"][0]
    path = record["url"].split("/", 3)[3]
    assert f"/{path}" in search(phone, base_url, record["统一社会信用代码"])[:3]
    assert f"/{path}" in search(phone, base_url, record["行政相对人名称"])[:3]
    typed = record["行政处罚决定书文号"].replace("〔", "[").replace("〕", "]")  # as editors and citizens type it
    assert f"/{path}" in search(phone, base_url, typed)[:10]
    assert all(url.startswith(base_url) for url in phone.requests), "a request left the site"


@pytest.mark.parametrize("path", ["/", "/penalties/", "/agencies/yinchuan/", "/legal-bases/", "/platform/",
                                  "/major-violations/", "/flowcharts/", "/after/"])
def test_page_fits_a_360px_phone_and_loads_nothing_from_outside(phone, base_url, path):
    phone.goto(base_url + path)
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 360, "horizontal scrolling on a phone"
    assert all(url.startswith(base_url) for url in phone.requests), phone.requests


WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.mark.parametrize("width", [360, 1280])
def test_pages_pass_axe_wcag21_aa(browser, base_url, width):
    """GB/T 37668 follows WCAG 2.1 AA: axe-core finds no violation on any kind of page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/penalties/")
    record = page.get_attribute("table.records tbody tr:first-child a", "href")
    found = {}
    for path in ["/", "/penalties/", record, "/agencies/yinchuan/", "/legal-bases/", "/major-violations/",
                 "/platform/", "/flowcharts/", "/after/", "/opendata/", "/404.html", "/search/"]:
        page.goto(base_url + path)
        result = axe.run(page, options=WCAG_21_AA)
        if result.violations_count:
            found[path] = [(v["id"], v["help"], len(v["nodes"])) for v in result.response["violations"]]
    context.close()
    assert found == {}


def test_record_page_fits_a_phone_and_reads_without_javascript(browser, base_url):
    context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/penalties/")
    page.click("table.records tbody tr:first-child a")
    assert "公示截止期" in page.inner_text("main") and "救济途径" in page.inner_text("main")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    context.close()
