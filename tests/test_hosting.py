"""generator/hosting.py: the built site answered as Netlify answers it — files, the rules of
_redirects and netlify.toml, the headers — checked against what the Netlify CLI answered."""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
from datetime import date

import pytest

from conftest import GOLDEN_SITE, REPO, run
from generator import hosting
from generator.hosting import Hosting, HostingError, request_path

NETLIFY_TOML = REPO / "netlify.toml"

# What Netlify's rule engine answered (netlify-redirector 0.5.0 in netlify-cli 27.10.2, the same
# rules and paths): the target of the first rule that applies, None where none does.
ENGINE = """
/p/A/* /p/A/index.html 410!
/p/B/index.html /p/B/ 410!
/p/B/* /p/B/index.html 410!
/p/C/* /p/C/ 410!
/e/index.html /e/index.html 410!
/f/ /f/index.html 410!
/i/* /i/:splat 410!
/k /k/ 410!
/q/* /q/a 410!
/u/* /u 410!
/t/* /other/index.html 410!
/m/* /m/index.html 410
/q2/index.html /q2/ 410!
"""
ENGINE_ANSWERS = {
    "/p/A/": "/p/A/index.html", "/p/A": "/p/A/index.html", "/p/A/x": "/p/A/index.html",
    "/p/A/index.html": None,  # the loop guard: the withdrawn notice's own file was served at 200
    "/p/B/": "/p/B/index.html", "/p/B": "/p/B/index.html", "/p/B/index.html": "/p/B/",
    "/p/C/": None, "/p/C": "/p/C/", "/p/C/index.html": None,
    "/e/index.html": "/e/index.html", "/e/": None,  # an exact rule has no loop guard
    "/f/": "/f/index.html", "/f": "/f/index.html", "/f/index.html": None,
    "/i/a": None, "/i/": None,
    "/k": "/k/", "/k/": "/k/",
    "/q/ab": None, "/q/a/b": None, "/q/b": "/q/a", "/q/a": None, "/q/": "/q/a",
    "/u/a": None, "/u": None, "/u/": None,
    "/t/a": "/other/index.html", "/t/": "/other/index.html", "/other/index.html": None,
    "/m/": "/m/index.html",
    "/P/A/": None, "/p/ab": None,  # case-sensitive; a splat covers whole segments
    "/q2/index.html/": "/q2/",  # an exact rule ignores a trailing slash
}


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "public"
    for name, text in {"index.html": "home", "404.html": "not found", "a.html": "a flat",
                       "a/index.html": "a dir", "b/index.html": "b dir", "gone/index.html": "gone",
                       "p/1/index.html": "notice 1", "style.css": "body{}", "x.pf_fragment": "pf",
                       "doc.xml": "<x/>"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def load(root, redirects="", toml=None):
    (root / "_redirects").write_text(redirects, encoding="utf-8")
    config = None
    if toml is not None:
        config = root.parent / "netlify.toml"
        config.write_text(toml, encoding="utf-8")
    return Hosting.load(root, config)


def body(response):
    return response.file.read_text(encoding="utf-8") if response.file else None


def test_rules_match_as_netlifys_engine_matched(site):
    h = load(site, ENGINE)
    got = {path: (m[1] if (m := h.match(path)) else None) for path in ENGINE_ANSWERS}
    assert got == ENGINE_ANSWERS


def test_files_are_found_behind_pretty_urls_as_the_cli_finds_them(site):
    h = load(site)
    assert [body(h.respond(p)) for p in ("/", "/index.html", "/a", "/a/", "/a/index.html", "/b", "/b/")] == \
        ["home", "home", "a flat", "a flat", "a dir", "b dir", "b dir"]
    assert h.respond("/b/?q=1#x").status == 200  # the query plays no part
    assert h.respond("/style").status == 404  # an asset's name is tried as it is only


def test_paths_are_decoded_normalised_and_kept_inside_the_site(site, tmp_path):
    h = load(site, "/p/1/* /gone/index.html 410!\n")
    assert request_path("/%61/./x/../") == "/a/" and request_path("//a//b") == "/a/b"
    assert request_path("/../../etc/passwd") == "/etc/passwd"
    assert body(h.respond("/%61/")) == "a flat"
    # a doubled slash does not slip past a 410 (Netlify's edge normalises before its rules)
    assert h.respond("/p//1/").status == 410 and h.respond("/p/./1/index.html").status == 410
    (tmp_path / "secret.txt").write_text("private", encoding="utf-8")
    (site / "link.txt").symlink_to(tmp_path / "secret.txt")
    for target in ("/../secret.txt", "/..%2fsecret.txt", "/link.txt", "/%00"):
        assert h.respond(target).status == 404, target


def test_a_rule_not_forced_yields_to_a_file_and_a_forced_one_does_not(site):
    h = load(site, "/a/* /gone/index.html 410\n/b/* /gone/index.html 410!\n")
    assert (h.respond("/a/").status, body(h.respond("/a/"))) == (200, "a flat")
    assert (h.respond("/a/missing").status, body(h.respond("/a/missing"))) == (410, "gone")
    assert (h.respond("/b/").status, body(h.respond("/b/"))) == (410, "gone")


def test_withdrawn_notice_answers_410_at_every_url_with_the_rules_the_build_writes(site):
    # the two lines generator/outputs/manifest.py writes for a withdrawn record
    h = load(site, "/p/1/index.html /p/1/ 410!\n/p/1/* /p/1/index.html 410!\n")
    for url in ("/p/1/", "/p/1", "/p/1/index.html", "/p/1/anything"):
        assert (h.respond(url).status, body(h.respond(url))) == (410, "notice 1"), url
    # the splat rule alone, as the build wrote it before: the notice's own file answered 200
    old = load(site, "/p/1/* /p/1/index.html 410!\n")
    assert old.respond("/p/1/index.html").status == 200 and old.respond("/p/1/").status == 410


def test_unknown_urls_get_the_404_page_and_redirects_their_location(site):
    toml = '[[redirects]]\nfrom = "/*"\nto = "/404.html"\nstatus = 404\n'
    h = load(site, "/old /a/ 301\n", toml)
    assert (h.respond("/nothing/").status, body(h.respond("/nothing/"))) == (404, "not found")
    assert h.respond("/404.html").status == 200  # the page itself, as the CLI serves it
    moved = h.respond("/old")
    assert (moved.status, moved.header("Location"), moved.file) == (301, "/a/", None)
    (site / "404.html").unlink()
    bare = load(site).respond("/nothing")
    assert (bare.status, bare.file) == (404, None)


TOML = """
[[headers]]
  for = "/*"
  [headers.values]
    X-Frame-Options = "DENY"
    Content-Security-Policy = '''
      default-src 'none';
      img-src 'self' '''
[[headers]]
  for = "/pagefind/fragment/*"
  [headers.values]
    Cache-Control = "public, max-age=31536000, immutable"
[[headers]]
  for = "/docs/:name/print"
  [headers.values]
    X-Robots-Tag = "noindex"
"""


def test_headers_follow_netlify_toml_with_netlifys_default_cache_control(site):
    h = load(site, toml=TOML)
    home = dict(h.respond("/").headers)
    assert home["Content-Security-Policy"] == "default-src 'none'; img-src 'self'"  # a multi-line value: one line
    assert home["X-Frame-Options"] == "DENY" and home["Cache-Control"] == hosting.NETLIFY_DEFAULT_CACHE
    assert home["Content-Type"] == "text/html; charset=utf-8" and home["Content-Length"] == "4"
    assert dict(h.headers_for("/pagefind/fragment/zh_1a2b.pf_fragment"))["Cache-Control"].endswith("immutable")
    assert dict(h.headers_for("/PAGEFIND/Fragment/x"))["Cache-Control"].endswith("immutable")  # case-insensitive
    assert "X-Robots-Tag" in dict(h.headers_for("/docs/a/print/")) and "X-Robots-Tag" not in dict(h.headers_for("/docs/a/b/print"))
    assert dict(h.respond("/x.pf_fragment").headers)["Content-Type"] == "application/octet-stream"
    assert dict(h.respond("/doc.xml").headers)["Content-Type"] == "application/xml"
    assert dict(h.respond("/nothing").headers)["X-Frame-Options"] == "DENY"  # on a 404 too


def test_a_header_set_by_two_matching_blocks_is_refused(site):
    h = load(site, toml=TOML.replace('X-Frame-Options = "DENY"', 'Cache-Control = "no-store"'))
    assert dict(h.headers_for("/"))["Cache-Control"] == "no-store"
    with pytest.raises(HostingError, match="Cache-Control"):
        h.headers_for("/pagefind/fragment/x")


@pytest.mark.parametrize("redirects, toml, message", [
    ("/p/:id /x 301\n", None, "占位符"),
    ("/a /b 302 Country=cn\n", None, "条件"),
    ("/a /b two\n", None, "状态码"),
    ("/api/* https://example.org/:splat 200\n", None, "转发"),
    ("/a b 200\n", None, "以 / 开头"),
    ("", '[[redirects]]\nfrom = "/a"\nto = "/b"\nconditions = {Language = ["zh"]}\n', "conditions"),
    ("", '[[headers]]\nfor = "/*"\n', "for 和 values"),
])
def test_what_is_not_interpreted_is_refused(site, redirects, toml, message):
    with pytest.raises(HostingError, match=message):
        load(site, redirects, toml)


def test_a_headers_file_is_refused(site):
    (site / "_headers").write_text("/*\n  X-Test: 1\n", encoding="utf-8")
    with pytest.raises(HostingError, match="_headers"):
        load(site)


def test_the_server_answers_get_and_head_over_http(site):
    h = load(site, "/p/1/index.html /p/1/ 410!\n/p/1/* /p/1/index.html 410!\n", TOML)
    server = hosting.server(h)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        answers = {}
        for method, path in [("GET", "/p/1/index.html"), ("HEAD", "/p/1/"), ("GET", "/nothing"), ("GET", "/a")]:
            conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
            conn.request(method, path)
            r = conn.getresponse()
            answers[method, path] = (r.status, r.read(), r.getheader("X-Frame-Options"))
            conn.close()
        assert answers == {("GET", "/p/1/index.html"): (410, "notice 1".encode(), "DENY"),
                           ("HEAD", "/p/1/"): (410, b"", "DENY"),
                           ("GET", "/nothing"): (404, b"not found", "DENY"),
                           ("GET", "/a"): (200, b"a flat", "DENY")}
    finally:
        server.shutdown()


def test_the_built_site_with_netlify_toml(tmp_path):
    """The golden site on a day with a withdrawn and two expired penalties, as deployed: every file
    is served at its URL with the headers of netlify.toml (no header set twice), withdrawn records
    answer 410 with their notice at every URL, expired ones 410 with /gone/, unknown URLs 404."""
    out = tmp_path / "o"
    run(GOLDEN_SITE, date(2025, 3, 6), out=out)
    h = Hosting.load(out, NETLIFY_TOML)
    data = json.loads((out / "opendata/penalties.json").read_text(encoding="utf-8"))
    [withdrawn] = data["withdrawn"]
    notice = f"/penalties/{withdrawn['id']}/"
    for url in (notice, notice[:-1], notice + "index.html"):
        answer = h.respond(url)
        assert (answer.status, answer.file) == (410, (out / notice.strip("/") / "index.html").resolve()), url
    expired = [line.split()[0][:-1] for line in (out / "_redirects").read_text(encoding="utf-8").splitlines()
               if line.endswith("/gone/index.html 410!")]
    assert len(expired) == 3  # two expired, one repaired (信用修复, P10.4): all 410 with /gone/
    for url in expired + [u + "index.html" for u in expired]:
        assert (h.respond(url).status, h.respond(url).file) == (410, (out / "gone/index.html").resolve()), url
    gone = {notice} | set(expired)
    for path in (p for p in out.rglob("*") if p.is_file()):
        url = "/" + path.relative_to(out).as_posix()
        answer = h.respond(url)
        expected = 410 if any(url.startswith(g) for g in gone) else 200
        assert answer.status == expected, url
        assert answer.header("Content-Security-Policy") and answer.header("Cache-Control"), url
    for record in data["records"]:
        assert h.respond("/" + record["url"].split("/", 3)[3]).status == 200
    missing = h.respond("/penalties/0000000000000000/")
    assert (missing.status, missing.file) == (404, (out / "404.html").resolve())
    assert h.respond("/favicon.ico").header("Content-Type") == "image/vnd.microsoft.icon"
    assert dict(h.headers_for("/pagefind/fragment/zh-cn_0d25c2b.pf_fragment"))["Cache-Control"] == \
        "public, max-age=31536000, immutable"


def test_a_browser_that_goes_away_mid_file_leaves_no_traceback(site, capfd):
    """``gongshi serve``'s console is the editor's: a download or search request the browser
    cancels (the connection reset mid-file) is no error, and the server goes on answering."""
    (site / "big.bin").write_bytes(bytes(8 << 20))
    server = hosting.server(load(site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as s:
            s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            assert s.recv(1024).startswith(b"HTTP/1.0 200")
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # a reset, not a close
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        conn.request("GET", "/a")
        assert conn.getresponse().read() == b"a flat"
        conn.close()
    finally:
        server.shutdown()
        server.server_close()  # waits for the handler of the reset connection
    assert "Traceback" not in capfd.readouterr().err
