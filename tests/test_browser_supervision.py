"""The supervision report (``gongshi check --format html``) in a real browser: the demo's and the
hand-worked fixture's, at 360 and 1280 px — no request at all (a file, opened as a supervisor
opens it), no script error, nothing wider than the screen, and axe-core's WCAG 2.1 A/AA rules
without a violation.  (The 100,000-record report: benchmarks/supervision_bench.py.)"""

from datetime import date
from pathlib import Path

import pytest

from conftest import REPO
from test_browser import WCAG_21_AA, browser  # noqa: F401  (skips this module where Chromium is missing)
from generator.compliance import run_check
from generator.report_formats import as_html

FIXTURE = Path(__file__).parent / "fixtures" / "supervision" / "site"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    made = {}
    for name, site, as_of in (("demo", REPO, date(2026, 11, 29)), ("fixture", FIXTURE, date(2026, 3, 10))):
        path = out / f"{name}.html"
        path.write_text(as_html(run_check(site, as_of, figures=True), "error"), encoding="utf-8")
        made[name] = path.as_uri()
    return made


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", ["demo", "fixture"])
def test_report_renders_alone_and_passes_axe(browser, reports, name, width):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.goto(reports[name])
    assert requests == [reports[name]], "the report loaded something besides itself"
    assert problems == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width, "wider than the screen"
    assert page.locator("svg[role=img]").count() >= 4
    result = Axe().run(page, options=WCAG_21_AA)
    found = [(v["id"], v["help"], len(v["nodes"])) for v in result.response["violations"]]
    context.close()
    assert found == []


def test_report_reads_without_javascript(browser, reports):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(reports["fixture"])
    text = page.inner_text("main")
    assert "70.0%" in text and "72.7%" in text and "本期无" in text
    page.click("summary >> nth=0")  # a department's datasets open without a script
    assert page.is_visible("details[open] table")
    context.close()
