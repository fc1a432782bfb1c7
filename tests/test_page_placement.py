"""Where a Markdown page appears (issue 11.8): its front matter places it in the top navigation
(``nav``), on the home page (``home``) or under an item of attachment 2 (``item``: the home page
and the phase page), in ``order``; several pages may explain one item."""

import re

from conftest import GOLDEN_AS_OF, run


def page(site, name, front, body="正文。\n"):
    (site / "content" / f"{name}.md").write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")


def html(out, url):
    return (out / url.strip("/") / "index.html").read_text(encoding="utf-8") if url != "/" else \
        (out / "index.html").read_text(encoding="utf-8")


def nav_links(text):
    nav = re.search(r'<nav [^>]*class="topnav".*?</nav>', text, re.S).group(0)
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)


def test_nav_pages_are_in_the_navigation_of_every_page_in_their_order(site):
    page(site, "guide", "title: 办事指南\nnav: true\norder: 2\n")
    page(site, "about", "title: 关于本平台\nnav: true\norder: 1\n")
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    out = site / "public"
    for url in ("/", "/penalties/", "/agencies/", "/guide/"):
        links = nav_links(html(out, url))
        assert ("/about/", "关于本平台") in links and links.index(("/about/", "关于本平台")) < links.index(("/guide/", "办事指南"))
    # its own page marks its entry as the current one
    assert '<a href="/guide/" aria-current="page">办事指南</a>' in html(out, "/guide/")
    assert not [d for d in report.warnings if d.code == "W-PAGE-UNLINKED"]


def test_home_pages_are_listed_on_the_home_page_with_their_summary(site):
    page(site, "hall", "title: 办事大厅\nsummary: 大厅的地址和办公时间。\nhome: true\n")
    page(site, "faq", "title: 常见问题\nhome: true\norder: 1\n")
    result, report = run(site, GOLDEN_AS_OF)
    home = html(site / "public", "/")
    more = re.search(r'<section[^>]*aria-labelledby="more-pages"[^>]*>.*?</section>', home, re.S).group(0)
    assert more.index('href="/faq/"') < more.index('href="/hall/"') and "大厅的地址和办公时间。" in more
    assert 'href="/hall/"' not in re.search(r'<nav [^>]*class="topnav".*?</nav>', home, re.S).group(0)


def test_several_pages_can_explain_one_item(site):
    # item 11 (法律救济渠道) has the golden remedies.md already; a second page joins it
    page(site, "remedies-faq", "title: 复议和诉讼常见问题\nitem: 11\nphase: 事前\n")
    result, report = run(site, GOLDEN_AS_OF)
    assert result is not None, [d.format() for d in report.errors]
    out = site / "public"
    for url in ("/", "/before/"):
        text = html(out, url)
        assert 'href="/remedies/"' in text and 'href="/remedies-faq/"' in text, url
    assert not [d for d in report.warnings if d.code == "W-PAGE-UNLINKED"]


def test_an_unplaced_page_is_built_but_reported(site):
    page(site, "orphan", "title: 孤立页面\n")
    result, report = run(site, GOLDEN_AS_OF)
    assert (site / "public/orphan/index.html").is_file()
    assert [dict(d.params)["slug"] for d in report.warnings if d.code == "W-PAGE-UNLINKED"] == ["orphan"]
    assert 'href="/orphan/"' not in html(site / "public", "/")
