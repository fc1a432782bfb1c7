"""Reading the demo site on a phone, on a desktop, on paper and in 适老模式 (issue 14.6; WCAG 2.1
1.4.4, 1.4.10, 1.4.12; GB/T 37668; MIIT 互联网网站适老化通用设计规范), in headless Chromium: a
full-page screenshot of every page kind at 320, 360 and 1280 px is exactly as wide as the screen,
dates, 文号 and codes keep to one line, the header leaves the first screen to the content, the
navigation opens without a script, 适老模式 enlarges and darkens and stays chosen, print shows the
content alone.  GONGSHI_SCREENS=<dir> keeps the screenshots for a person to look at."""

import os
import struct
from pathlib import Path
from urllib.parse import quote

import pytest

from test_browser import CSP_WATCH, base_url, browser, wait_done  # noqa: F401 (fixtures: one demo build)

SCREENS = Path(os.environ["GONGSHI_SCREENS"]) if os.environ.get("GONGSHI_SCREENS") else None

# one page of each kind: home, phases, lists (narrow and wide tables, grouped ones), records,
# departments, content, the platform and downloads pages, notices of withdrawn and expired records,
# 404, search with its results
PAGES = ["/", "/before/", "/during/", "/after/", "/penalties/", "/random-checks/", "/staff/", "/licences/",
         "/inspections/", "/legal-bases/", "/complaint-channels/", "/hearings/", "/agencies/", "/agencies/yinchuan/",
         "/about/", "/flowcharts/", "/platform/", "/opendata/", "/disclosure/", "/gone/", "/404.html"]

LINES = """(selector) => [...document.querySelectorAll(selector)].filter((e) => {
  // the lines a cell's text takes (not its ::before label): more than one is a break inside
  const range = document.createRange(); range.selectNodeContents(e);
  const rects = [...range.getClientRects()].filter((r) => r.width > 0);
  if (!rects.length) return false;
  const top = Math.min(...rects.map((r) => r.top)), bottom = Math.max(...rects.map((r) => r.bottom));
  return bottom - top > 1.5 * parseFloat(getComputedStyle(e).lineHeight);
}).map((e) => e.textContent.trim())"""


def record_pages(page, base_url):
    """A penalty's page and a withdrawn penalty's notice."""
    page.goto(base_url + "/penalties/")
    record = page.get_attribute("table.records tbody tr:first-child a", "href")
    data = page.request.get(base_url + "/opendata/penalties.json").json()
    return [record, "/" + data["withdrawn"][0]["url"].split("/", 3)[3]]


def png_width(png: bytes) -> int:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", png[16:20])[0]


def screens(browser, base_url, width, name, **options):
    """Every page kind at ``width``: a full-page screenshot as wide as the screen, nothing to
    scroll sideways (WCAG 1.4.10 asks for 320 px)."""
    context = browser.new_context(viewport={"width": width, "height": 800}, **options)
    if name == "care":
        context.add_init_script("try { localStorage.setItem('gongshi-care', '1'); } catch (e) {}")
    page = context.new_page()
    too_wide = {}
    for path in PAGES + record_pages(page, base_url) + ["/search/?q=" + quote("有限公司")]:
        page.goto(base_url + path)
        if path.startswith("/search/?") and options.get("java_script_enabled", True):
            wait_done(page)
            page.click("#search-fulltext")  # the full-text results too
            wait_done(page)
        if name == "care":
            assert page.evaluate("document.documentElement.classList.contains('care')"), path
        shot = page.screenshot(full_page=True)
        if SCREENS:
            SCREENS.mkdir(parents=True, exist_ok=True)
            slug = path.strip("/").replace("/", "_").replace("?q=", "-q-").replace("%", "") or "home"
            (SCREENS / f"{width}-{name}-{slug}.png").write_bytes(shot)
        scroll = page.evaluate("document.scrollingElement.scrollWidth")
        if png_width(shot) != width or scroll > width:
            too_wide[path] = (png_width(shot), scroll)
    context.close()
    return too_wide


@pytest.mark.parametrize("width", [320, 360, 1280])
def test_every_page_kind_fits_the_screen(browser, base_url, width):
    assert screens(browser, base_url, width, "normal") == {}


def test_every_page_kind_fits_a_phone_in_care_mode(browser, base_url):
    """适老模式's larger type (150 %, 18 pt) reflows: nothing to scroll sideways even at 320 px."""
    assert screens(browser, base_url, 320, "care") == {}


def test_every_page_kind_fits_a_phone_without_javascript(browser, base_url):
    assert screens(browser, base_url, 320, "nojs", java_script_enabled=False) == {}


@pytest.mark.parametrize("width", [320, 1280])
def test_dates_document_numbers_and_codes_keep_to_one_line(browser, base_url, width):
    """Issue 14.6 saw "2026年11月2 / 日" and "〔2026〕9 / 号" in desktop tables: a cell marked
    ``nb`` (outputs/html.py: unbroken) and a date in a list of items read as one piece, in the
    table on a desktop and in the cards on a phone."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    broken = {}
    for path in ["/", "/penalties/", "/random-checks/", "/staff/", "/licences/", "/exam-violations/", "/agencies/"]:
        page.goto(base_url + path)
        assert path == "/" or page.locator("table.records .nb, table .nb").count() > 0, path
        if found := page.evaluate(LINES, ".nb"):
            broken[path] = found
    assert broken == {}
    context.close()


def test_result_labels_and_the_lists_to_browse_read_on_a_phone(browser, base_url):
    """Search results' labels never break ("类 / 别"); the lists to browse have no bullets to
    overlap their links, which are as large as buttons (44 px, WCAG 2.5.5)."""
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(base_url + "/search/?q=" + quote("有限公司"))
    wait_done(page)
    page.click("#search-fulltext")
    wait_done(page)
    assert page.locator(".hit dt").count() > 10
    assert page.evaluate(LINES, ".hit dt") == []
    page.goto(base_url + "/search/?q=ZZQX9999")
    wait_done(page)
    boxes = page.eval_on_selector_all(".browse a", "els => els.map(e => { const r = e.getBoundingClientRect();"
                                                   " return [r.left, r.top, r.right, r.bottom]; })")
    assert len(boxes) >= 3
    assert page.eval_on_selector(".browse ul", "e => getComputedStyle(e).listStyleType") == "none"
    assert all(b - t >= 44 for _, t, _, b in boxes)
    overlapping = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                   if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
    assert overlapping == []
    context.close()


@pytest.mark.parametrize("width, care, most", [(320, False, 150), (360, False, 150), (320, True, 200)])
def test_header_leaves_the_first_screen_to_the_content(browser, base_url, width, care, most):
    """The header took 350 px of a phone (issue 14.6): now two lines, the navigation behind 栏目."""
    context = browser.new_context(viewport={"width": width, "height": 640})
    if care:
        context.add_init_script("try { localStorage.setItem('gongshi-care', '1'); } catch (e) {}")
    page = context.new_page()
    page.goto(base_url + "/penalties/")
    height = page.eval_on_selector(".masthead", "e => e.getBoundingClientRect().height")
    assert height <= most
    assert page.is_visible("#site-q") and page.is_visible(".menu-link") and not page.is_visible("#site-nav")
    context.close()


def test_navigation_opens_on_a_phone_without_javascript(browser, base_url):
    """栏目 is a link to #site-nav, shown by :target: no script (the site works without one)."""
    context = browser.new_context(viewport={"width": 320, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/penalties/")
    assert not page.is_visible("#site-nav a[href='/after/']")
    page.click(".menu-link")
    assert page.url.endswith("#site-nav")
    links = page.locator("#site-nav a")
    assert links.count() >= 5
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert links.nth(i).is_visible() and box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 320
    page.click("#site-nav a[href='/after/']")
    assert page.url == base_url + "/after/" and page.is_visible("main h1")
    assert not page.is_visible("#care-toggle")  # it needs the script: hidden, not dead
    context.close()
    # on a desktop the navigation is always there and 栏目 is not
    context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/penalties/")
    assert page.is_visible("#site-nav a[href='/after/']") and not page.is_visible(".menu-link")
    context.close()


def root_style(page, prop):
    return page.evaluate(f"getComputedStyle(document.documentElement).{prop}")


def test_care_mode_enlarges_and_darkens_stays_chosen_and_keeps_the_policy(browser, base_url):
    """适老模式: the header's button (aria-pressed) switches larger type and darker text on, every
    page of the site keeps it (localStorage, set before the page is drawn: care.js in <head>),
    and the site's Content-Security-Policy allows it (a file of the site, no inline script)."""
    context = browser.new_context(viewport={"width": 360, "height": 800})
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.goto(base_url + "/")
    assert page.get_attribute("#care-toggle", "aria-pressed") == "false"
    normal = float(root_style(page, "fontSize")[:-2])
    muted = page.evaluate("getComputedStyle(document.body).getPropertyValue('--muted').trim()")
    page.click("#care-toggle")
    assert page.get_attribute("#care-toggle", "aria-pressed") == "true"
    assert float(root_style(page, "fontSize")[:-2]) >= max(1.3 * normal, 24)  # 18 pt
    assert page.evaluate("getComputedStyle(document.body).getPropertyValue('--muted').trim()") != muted
    page.goto(base_url + "/penalties/")  # another page: still on, and said so
    assert page.evaluate("document.documentElement.classList.contains('care')")
    assert page.get_attribute("#care-toggle", "aria-pressed") == "true"
    page.click("#care-toggle")
    page.goto(base_url + "/after/")
    assert not page.evaluate("document.documentElement.classList.contains('care')")
    assert float(root_style(page, "fontSize")[:-2]) == normal
    assert page.evaluate("window.__csp") == [] and problems == []
    context.close()


def test_care_mode_passes_axe_wcag21_aa(browser, base_url):
    """The larger type and darker colours keep WCAG 2.1 AA (contrast, target size, reflow)."""
    from axe_playwright_python.sync_playwright import Axe

    from test_browser import WCAG_21_AA

    context = browser.new_context(viewport={"width": 360, "height": 900}, bypass_csp=True)
    context.add_init_script("try { localStorage.setItem('gongshi-care', '1'); } catch (e) {}")
    page = context.new_page()
    found = {}
    for path in ["/", "/penalties/", *record_pages(page, base_url), "/agencies/yinchuan/", "/search/?q=ZZQX9999"]:
        page.goto(base_url + path)
        if path.startswith("/search/?"):
            wait_done(page)
        result = Axe().run(page, options=WCAG_21_AA)
        if result.violations_count:
            found[path] = [(v["id"], v["help"], len(v["nodes"])) for v in result.response["violations"]]
    assert found == {}
    context.close()


def test_higher_contrast_follows_the_readers_setting_without_javascript(browser, base_url):
    """prefers-contrast: more (a system setting that persists with no script) darkens the text."""
    muted = {}
    for contrast in ("no-preference", "more"):
        context = browser.new_context(java_script_enabled=False, contrast=contrast)
        page = context.new_page()
        page.goto(base_url + "/penalties/")
        muted[contrast] = page.eval_on_selector(".crumbs ol", "e => getComputedStyle(e).color")
        context.close()
    assert muted["more"] != muted["no-preference"] and muted["more"] == "rgb(26, 26, 26)"


def test_print_shows_the_content_and_where_it_came_from(browser, base_url):
    """Print: no header, navigation, footer or buttons; the page's address and as-of date; the
    table's header repeated on each sheet; nothing wider than the paper."""
    context = browser.new_context(viewport={"width": 718, "height": 1000})  # A4 less margins, at 96 dpi
    page = context.new_page()
    record = record_pages(page, base_url)[0]
    for path in ["/penalties/", record]:
        page.goto(base_url + path)
        page.emulate_media(media="print")
        assert not any(page.is_visible(s) for s in (".masthead", ".footer", ".crumbs", "#care-toggle", ".menu-link"))
        assert page.is_visible(".print-only") and path in page.inner_text(".print-only")
        assert "数据截至" in page.inner_text(".print-only")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 718, path
        if path == "/penalties/":
            assert page.eval_on_selector("table.records thead", "e => getComputedStyle(e).display") == "table-header-group"
        assert page.pdf(format="A4")[:5] == b"%PDF-"
        page.emulate_media(media="screen")
    context.close()
