"""``gongshi serve``: a preview of the site on 127.0.0.1 that rebuilds when an input changes
(issue 11.6).

- **What Netlify serves.**  Responses come from ``hosting.py``, the module that interprets
  ``netlify.toml``'s headers and rules and the built ``_redirects`` (410 Gone for withdrawn and
  expired records, the 404 page) as Netlify does; opening ``public/index.html`` from disk cannot
  work (the links are root-relative).  Two things are added to HTML pages, in the preview only:
  a script that reloads the page after a rebuild, and, after a failed rebuild, the build's report
  at the top of the page — the last good site stays served below it.
- **Rebuilds.**  Inputs are watched with watchfiles (Rust ``notify``: inotify, FSEvents,
  ReadDirectoryChangesW — one maintained library for Linux, macOS and Windows, with the batching
  of an editor's several writes into one change built in): the folders of the datasets, schemas,
  departments and calendars, ``content/`` and ``templates/`` recursively, and the site's own
  folder for ``site_config.yaml`` only (a repository's ``.venv`` or ``tests`` are never walked).
  Each build goes into a fresh folder of its own, so no file being served is ever renamed or
  deleted under a reader (Windows refuses that); the one before is removed afterwards.  After
  each build, the addresses of the records whose page was added or changed are printed.
- **Windows.**  No fork, no signals but Ctrl+C (KeyboardInterrupt in the main thread, which
  waits on a queue with a timeout so that it is seen at once), paths handled by ``pathlib``.

The build itself is the same function as ``gongshi build`` (``pipeline.build``); by default the
search index is left out (``--search-index`` adds it), which makes a rebuild of the demo about a
second (benchmarks/serve_rebuild.py).
"""

from __future__ import annotations

import hashlib
import html
import queue
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from .diagnostics import DEFAULT_MAX_PER_CODE, BuildFailed
from .hosting import Hosting, HostingError
from .outputs import routes

PREFIX = "/__gongshi__/"  # the preview's own URLs: never a URL of the site (it has no "_" paths)
RELOAD_JS = """// gongshi serve: reload this page when the site has been rebuilt (preview only)
(function () {
  var seen = null;
  function poll() {
    fetch("/__gongshi__/version", {cache: "no-store"}).then(function (r) { return r.text(); })
      .then(function (v) { if (seen !== null && v !== seen) { location.reload(); } seen = v; })
      .catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""
PREVIEW_CSS = """#gongshi-preview-errors{border:3px solid #b00020;background:#fff5f5;color:#222;margin:0;padding:1rem}
#gongshi-preview-errors pre{white-space:pre-wrap;word-break:break-all;font-size:.9rem}
"""
_BODY = re.compile(rb"<body[^>]*>", re.I)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_TAGS = re.compile(r"<[^>]+>")
_IGNORED = re.compile(r"^~\$|^\.~lock|\.tmp$|~$|^\.#|\.sw.$|^\.DS_Store$|^Thumbs\.db$", re.I)


@dataclass
class Built:
    """One successful build, served until the next one succeeds."""

    hosting: Hosting
    out: Path
    pages: dict  # record URL → SHA-1 of its page, to tell what changed


def say(text: str) -> None:
    print(text, flush=True)  # piped (a log, an IDE's console) as well as on a terminal


class Preview:
    """The state the server reads and the rebuild loop writes: the last good build, the report
    of the last failed one (or None), and a version that changes with either."""

    def __init__(self, site: Path, as_of: Callable[[], date], search_index: bool = False,
                 log: Callable[[str], None] = say, today: Callable[[], date | None] = lambda: None):
        self.site = Path(site).resolve()
        self.as_of, self.search_index, self.log, self.today = as_of, search_index, log, today
        self.work = Path(tempfile.mkdtemp(prefix="gongshi-serve-"))
        self.built: Built | None = None
        self.failure: str | None = None
        self.version = 0
        self.address = ""
        self._builds = 0
        self._lock = threading.Lock()

    # ------------------------------------------------------------- building
    def rebuild(self, why: str = "") -> bool:
        from .pipeline import UnsafeOutput, build
        from .report_formats import text_report

        self._builds += 1
        out = self.work / f"site-{self._builds}"
        started = time.perf_counter()
        self.log(f"[{time.strftime('%H:%M:%S')}] 生成中{('（' + why + '）') if why else ''}……")
        try:
            result = build(self.site, out, self.as_of(), search_index=self.search_index,
                           max_per_code=DEFAULT_MAX_PER_CODE, today=self.today())
            hosting = Hosting.load(out, self.site / "netlify.toml")
        except BuildFailed as failed:
            self._failed(_errors_only(failed.report, self.site, text_report))
            return False
        except (UnsafeOutput, HostingError, OSError) as exc:
            self._failed(f"构建失败：{exc}")
            return False
        pages = record_pages(out, self.site)
        before = self.built
        with self._lock:
            self.built, self.failure = Built(hosting, out, pages), None
            self.version += 1
        seconds = time.perf_counter() - started
        self.log(f"  完成（{seconds:.1f} 秒）：{result.report.summary()}")
        if before is not None:
            self._tell_changes(before.pages, pages)
            shutil.rmtree(before.out, ignore_errors=True)  # Windows: a file still open stays; removed at exit
        return True

    def _failed(self, report: str) -> None:
        with self._lock:
            self.failure = report
            self.version += 1
        self.log(report.rstrip())
        self.log("  浏览器中的页面顶部显示以上问题；修正后保存，预览自动更新。" if self.built else
                 "  浏览器中显示以上问题；修正后保存，预览自动生成。")

    def _tell_changes(self, before: dict, after: dict) -> None:
        added = sorted(u for u in after if u not in before)
        changed = sorted(u for u in after if u in before and after[u][0] != before[u][0])
        gone = sorted(u for u in before if u not in after)
        for label, urls in (("新增", added), ("已更改", changed), ("不再有页面", gone)):
            for url in urls:
                title = (after.get(url) or before.get(url))[1]
                self.log(f"  {label}：{self.address}{url}  {title}")

    def close(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    # ------------------------------------------------------------- serving
    def state(self) -> tuple[Built | None, str | None, int]:
        with self._lock:
            return self.built, self.failure, self.version


def _errors_only(report, site: Path, text_report) -> str:
    """The failed build's errors (warnings do not stop it: ``gongshi check`` lists them)."""
    from .diagnostics import Report

    errors = Report(report.limit)
    errors.extend(report.errors)
    text = text_report(errors, site)
    more = f"，另有 {report.warning_count} 个警告（运行 gongshi check 查看）" if report.warning_count else ""
    return text + f"构建失败：共 {report.error_count} 个错误{more}。"


def record_pages(out: Path, site: Path) -> dict:
    """URL → (SHA-1, heading) of every record's page: ``/<dataset path>/<16 hex>/index.html``."""
    from .config import ConfigError, load_config

    try:
        datasets = [ds for ds in load_config(site).datasets if ds.record_pages and not ds.internal]
    except ConfigError:
        return {}
    pages = {}
    for ds in datasets:
        folder = out / routes.served_from(routes.dataset(ds)).lstrip("/").removesuffix("index.html")
        for page in sorted(folder.glob("*/index.html")):
            if re.fullmatch(r"[0-9a-f]{16}", page.parent.name):
                data = page.read_bytes()
                m = _H1.search(data.decode("utf-8", "replace"))
                title = html.unescape(_TAGS.sub("", m.group(1))).strip() if m else ""
                pages[routes.record(ds, page.parent.name)] = (hashlib.sha1(data).hexdigest(), " ".join(title.split()))
    return pages


def handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "gongshi-serve"

        def do_GET(self):
            self._answer(True)

        def do_HEAD(self):
            self._answer(False)

        def _answer(self, body: bool) -> None:
            built, failure, version = preview.state()
            path = self.path.split("?", 1)[0]
            if path.startswith(PREFIX):
                own = {"version": (str(version), "text/plain"), "reload.js": (RELOAD_JS, "application/javascript"),
                       "preview.css": (PREVIEW_CSS, "text/css")}.get(path[len(PREFIX):])
                if own is None:
                    return self._send(404, [("Content-Type", "text/plain; charset=utf-8")], b"", body)
                return self._send(200, [("Content-Type", own[1] + "; charset=utf-8"), ("Cache-Control", "no-store")],
                                  own[0].encode("utf-8"), body)
            if built is None:  # no good build yet: the report is the page
                page = _error_page(failure or "正在生成……")
                return self._send(503, [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")],
                                  page, body)
            try:
                response = built.hosting.respond(self.path)
            except HostingError as exc:
                return self._send(500, [("Content-Type", "text/plain; charset=utf-8")], str(exc).encode(), body)
            headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
            data = response.file.read_bytes() if response.file is not None else b""
            if (response.header("Content-Type") or "").startswith("text/html"):
                data = _decorate(data, failure)
                headers = [(k, "no-store" if k.lower() == "cache-control" else v) for k, v in headers]
            self._send(response.status, headers, data, body)

        def _send(self, status: int, headers, data: bytes, body: bool) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)

        def log_message(self, *args):  # the console shows what changed, not every request
            pass

    return Handler


def _report_html(report: str) -> bytes:
    return (f'<section id="gongshi-preview-errors" role="alert" aria-labelledby="gongshi-preview-title">'
            f'<h2 id="gongshi-preview-title">预览：最近一次生成失败，下面是上一次成功生成的网站</h2>'
            f"<pre>{html.escape(report)}</pre></section>").encode("utf-8")


def _decorate(page: bytes, failure: str | None) -> bytes:
    """The preview's additions to an HTML page: its style sheet and reload script (files: the
    site's Content-Security-Policy allows no inline style or script), and the failed build's report."""
    extra = b'<link rel="stylesheet" href="/__gongshi__/preview.css"><script src="/__gongshi__/reload.js" defer></script>'
    if failure:
        extra += _report_html(failure)
    m = _BODY.search(page)
    return page[:m.end()] + extra + page[m.end():] if m else extra + page


def _error_page(report: str) -> bytes:
    return (b'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>gongshi serve</title>'
            b'<link rel="stylesheet" href="/__gongshi__/preview.css"><script src="/__gongshi__/reload.js" defer>'
            b"</script></head><body>" + _report_html(report) + b"</body></html>")


# ---------------------------------------------------------------- watching

def watched(site: Path) -> tuple[list[Path], set[Path]]:
    """(folders watched recursively, files of the site's own folder that are inputs)."""
    from .config import ConfigError, load_config

    site = site.resolve()
    folders = {site / "data", site / "content", site / "templates"}
    files = {site / "site_config.yaml"}
    try:
        config = load_config(site)
    except ConfigError:
        config = None
    if config is not None:
        inputs = [config.agencies_file, *(f for ds in config.datasets for f in (ds.file, ds.schema))]
        if config.corrections:
            inputs += [config.corrections.file, config.corrections.schema]
        inputs += [str(p) for p in config.calendar_files]
        folders.add(site / config.content_dir)
        for rel in inputs:
            path = (site / rel).resolve()
            if path.parent == site:
                files.add(path)
            elif path.parent.is_relative_to(site):
                folders.add(path.parent)
    return sorted(f for f in folders if f.is_dir() and f != site), files


class Watcher:
    """watchfiles on each folder (recursive) and on the site's folder (its input files only), in
    threads that put the changed paths on one queue."""

    def __init__(self, site: Path):
        import watchfiles

        self.queue: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        folders, self.files = watched(site)
        self.folders = folders
        self._threads = [threading.Thread(target=self._run, args=(watchfiles, path, recursive), daemon=True)
                         for path, recursive in [*((f, True) for f in folders), (Path(site).resolve(), False)]]
        for t in self._threads:
            t.start()

    def _keep(self, _change, path: str) -> bool:
        p = Path(path)
        if _IGNORED.search(p.name):
            return False
        return p in self.files or any(p.is_relative_to(f) for f in self.folders)

    def _run(self, watchfiles, path: Path, recursive: bool) -> None:
        for changes in watchfiles.watch(path, watch_filter=self._keep, recursive=recursive, stop_event=self.stop,
                                        step=200, rust_timeout=500, raise_interrupt=False):
            self.queue.put({Path(p) for _, p in changes})

    def close(self) -> None:
        self.stop.set()
        for t in self._threads:
            t.join(timeout=2)


def changed_files(first: set, more: queue.Queue, site: Path) -> str:
    """The changes of one batch (and any queued behind it), as the site-relative names to print."""
    paths = set(first)
    while True:
        try:
            paths |= more.get_nowait()
        except queue.Empty:
            break
    paths = {p for p in paths if p.exists()} or paths  # an editor's temporary files are gone by now
    names = sorted(p.relative_to(site).as_posix() if p.is_relative_to(site) else str(p) for p in paths)
    return "、".join(names[:3]) + (f" 等 {len(names)} 个文件" if len(names) > 3 else "") + " 已更改"


def serve(site: Path, port: int, as_of: Callable[[], date], search_index: bool = False,
          ready: Callable[[str], None] | None = None, stop: threading.Event | None = None,
          log: Callable[[str], None] = say, today: Callable[[], date | None] = lambda: None) -> int:
    """Build, serve on 127.0.0.1:``port`` (0: any free port) and rebuild on changes, until Ctrl+C
    (or ``stop``, for tests; ``ready`` gets the address once the first build is done).  Exit
    status 0, or 2 when the port cannot be had."""
    preview = Preview(site, as_of, search_index, log, today)
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler(preview))
    except OSError as exc:
        preview.close()
        print(f"gongshi: 无法使用端口 {port}（{exc.strerror or exc}）；请用 --port 换一个，如 --port 8001", file=sys.stderr)
        return 2
    server.daemon_threads = True
    preview.address = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    watcher = Watcher(site)
    try:
        preview.rebuild()
        log(f"预览地址：{preview.address}/  （修改并保存数据或页面后自动重新生成；按 Ctrl+C 停止）"
            + ("" if search_index else "\n  未生成检索索引（查询页不可用）；需要时加 --search-index"))
        if ready is not None:
            ready(preview.address)
        while stop is None or not stop.is_set():
            try:
                first = watcher.queue.get(timeout=0.3)
            except queue.Empty:
                continue
            preview.rebuild(changed_files(first, watcher.queue, preview.site))
            if watched(preview.site) != (watcher.folders, watcher.files):  # site_config.yaml moved an input
                watcher.close()
                watcher = Watcher(site)
    except KeyboardInterrupt:
        log("已停止预览。")
    finally:
        watcher.close()
        server.shutdown()
        server.server_close()
        preview.close()
    return 0
