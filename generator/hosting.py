"""What the deployed site answers over HTTP: the built site (``public/``) as Netlify serves it,
with the headers of ``netlify.toml`` and the rules of the built ``_redirects`` (410 Gone for the
URLs of withdrawn and expired records, P5.2/P6/P2.3) and of ``netlify.toml`` (the 404 page).

The browser tests serve the demo through this module, and so does a local preview, so that what
they see is what the public gets.  Each behaviour below was checked against the Netlify CLI
(``netlify dev --offline``, its rule engine ``netlify-redirector``; README “Deployment” names the
version and the results); ``tests/netlify_compare.py`` repeats that comparison.

- **Files.** ``/a/`` is served from ``/a/index.html``, ``/a`` from ``/a.html`` or ``/a/index.html``
  (as the CLI: no redirect to the slash).  The path is percent-decoded and normalised (``//``,
  ``.``, ``..``) before anything else, as Netlify's edge does; nothing outside ``public/`` is read.
- **Rules.** ``_redirects`` first, then ``[[redirects]]`` of ``netlify.toml``; the first rule whose
  ``from`` matches decides.  A rule that is not forced (``!``, ``force = true``) yields to an
  existing file (shadowing).  ``from`` ignores a trailing slash; ``/a/*`` matches ``/a``, ``/a/``
  and everything below.  A splat rule does not apply to a path that starts with its own target
  (``:splat`` filled in; the engine's loop guard): ``/a/* /a/index.html 410!`` leaves
  ``/a/index.html`` at 200, which is why the build writes an exact rule for a notice's
  ``index.html`` before the splat rule.  An exact rule has no such guard.
  301/302/303/307/308 redirect; any other status serves the ``to`` file with that status.
- **Headers.** Every ``[[headers]]`` whose ``for`` matches the path (``*`` any characters,
  ``:name`` one segment, a trailing slash optional, case-insensitive) adds its values.  Two
  matching blocks setting the same header are refused (HostingError): Netlify's result for that
  is not documented, so netlify.toml must not depend on it.  Without a Cache-Control of its own,
  a response gets Netlify's default, ``public, max-age=0, must-revalidate``.

Features the build does not use — placeholders and conditions in rules, query matching, proxying
to another site, a ``_headers`` file — are refused with HostingError rather than imitated
loosely.
"""

from __future__ import annotations

import http.server
import posixpath
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

NETLIFY_DEFAULT_CACHE = "public, max-age=0, must-revalidate"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
NOT_FOUND_PAGE = "/404.html"

# What the CLI's static server (mime 3) answers for the kinds of file a site holds; anything else
# is application/octet-stream (Pagefind's .pf_* files, its .pagefind WebAssembly, _redirects)
TYPES = {
    "html": "text/html", "htm": "text/html", "css": "text/css", "js": "application/javascript",
    "mjs": "application/javascript", "json": "application/json", "xml": "application/xml",
    "csv": "text/csv", "txt": "text/plain", "md": "text/markdown", "yaml": "text/yaml",
    "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
    "gif": "image/gif", "webp": "image/webp", "avif": "image/avif", "ico": "image/vnd.microsoft.icon",
    "pdf": "application/pdf", "zip": "application/zip", "gz": "application/gzip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel", "doc": "application/msword", "wasm": "application/wasm",
    "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf",
    "atom": "application/atom+xml", "rss": "application/rss+xml",
}
UTF8_TYPES = frozenset({"text/html", "text/css", "application/javascript", "application/json", "text/csv",
                        "text/plain", "text/markdown", "text/yaml"})
# the CLI looks for ``/a.html`` and ``/a/index.html`` behind ``/a`` unless the path looks like an asset
_ASSET = re.compile(r"\.(html?|png|jpg|js|css|svg|gif|ico|woff|woff2)$")
_TOML_RULE_KEYS = {"from", "to", "status", "force"}


class HostingError(ValueError):
    """A rule or file this module does not interpret, or one that is malformed."""


@dataclass(frozen=True)
class Rule:
    source: str  # ``from``
    to: str
    status: int
    force: bool
    origin: str  # where it was written, for messages

    @property
    def splat(self) -> bool:
        return self.source.endswith("/*") or self.source == "*"

    def target(self, path: str) -> str | None:
        """The ``to`` of this rule for ``path`` (``:splat`` filled in), or None where it does not apply."""
        if self.splat:
            base = self.source[:-2] if self.source.endswith("/*") else ""
            if not (path in (base, base + "/") or path.startswith(base + "/")):
                return None
            to = self.to.replace(":splat", path[len(base) + 1:])
            return None if path.startswith(to) else to  # the engine's loop guard (module docstring)
        return self.to if _strip_slash(path) == _strip_slash(self.source) else None


@dataclass(frozen=True)
class HeaderRule:
    pattern: str
    regexp: re.Pattern
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...]
    file: Path | None  # the body (None: a redirect, or no 404 page)
    rule: Rule | None = None  # the rule that decided, if any

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass(frozen=True)
class Hosting:
    root: Path
    rules: tuple[Rule, ...]
    header_rules: tuple[HeaderRule, ...]

    @classmethod
    def load(cls, publish: Path, config: Path | None) -> Hosting:
        """The site built in ``publish`` as Netlify serves it with ``config`` (netlify.toml; None or
        a missing file: no headers and no rules but those of ``_redirects``)."""
        root = Path(publish).resolve()
        if (root / "_headers").exists():
            raise HostingError(f"{root / '_headers'}：不支持 _headers 文件，响应头请写在 netlify.toml 中")
        rules = list(_redirects_file(root / "_redirects"))
        headers: list[HeaderRule] = []
        if config is not None and Path(config).is_file():
            doc = tomllib.loads(Path(config).read_text(encoding="utf-8"))
            rules += _toml_rules(doc.get("redirects", []), Path(config).name)
            headers = [_header_rule(h, Path(config).name) for h in doc.get("headers", [])]
        return cls(root, tuple(rules), tuple(headers))

    def match(self, path: str) -> tuple[Rule, str] | None:
        """The first rule that applies to ``path`` (decoded and normalised) and its target."""
        for rule in self.rules:
            to = rule.target(path)
            if to is not None:
                return rule, to
        return None

    def respond(self, target: str) -> Response:
        """The response to a GET of ``target`` (a path, with or without a query)."""
        path = request_path(target)
        static = self._static(path)
        matched = self.match(path)
        if matched and (static is None or matched[0].force):  # a rule not forced yields to a file
            rule, to = matched
            if rule.status in REDIRECTS:
                return Response(rule.status, (("Location", to), *self.headers_for(path)), None, rule)
            body = self._static(request_path(to))
            if body is None:  # a rule pointing at nothing: what any unknown URL gets
                return self._not_found(path, rule)
            return Response(rule.status, self._headers(path, body), body, rule)
        if static is not None:
            return Response(200, self._headers(path, static), static)
        return self._not_found(path, None)

    def headers_for(self, path: str) -> tuple[tuple[str, str], ...]:
        """The headers of netlify.toml for ``path``, plus Netlify's default Cache-Control."""
        found: dict[str, tuple[str, str, str]] = {}
        for rule in self.header_rules:
            if not rule.regexp.match(path):
                continue
            for name, value in rule.values:
                if name.lower() in found:
                    raise HostingError(f"netlify.toml：{path} 同时匹配 “{found[name.lower()][2]}” 和 “{rule.pattern}”，"
                                       f"两者都设置了 {name}；Netlify 对此的结果未有说明，请只在一处设置")
                found[name.lower()] = (name, value, rule.pattern)
        out = [(name, value) for name, value, _ in found.values()]
        if "cache-control" not in found:
            out.append(("Cache-Control", NETLIFY_DEFAULT_CACHE))
        return tuple(out)

    def _headers(self, path: str, body: Path) -> tuple[tuple[str, str], ...]:
        kind = TYPES.get(body.suffix.lstrip(".").lower(), "application/octet-stream")
        if kind in UTF8_TYPES:
            kind += "; charset=utf-8"
        return (("Content-Type", kind), ("Content-Length", str(body.stat().st_size)), *self.headers_for(path))

    def _not_found(self, path: str, rule: Rule | None) -> Response:
        page = self._file(NOT_FOUND_PAGE)
        if page is None:
            return Response(404, (("Content-Type", "text/plain; charset=utf-8"), *self.headers_for(path)), None, rule)
        return Response(404, self._headers(path, page), page, rule)

    def _static(self, path: str) -> Path | None:
        """The file the CLI serves for ``path``, trying what a “pretty URL” may stand for."""
        tries = [path]
        if path.endswith("/"):
            if path != "/":
                tries += [path[:-1] + ".html", path[:-1] + ".htm"]
            tries += [path + "index.html", path + "index.htm"]
        elif not _ASSET.search(path):
            tries += [path + ".html", path + ".htm", path + "/index.html", path + "/index.htm"]
        return next((f for f in map(self._file, tries) if f is not None), None)

    def _file(self, path: str) -> Path | None:
        candidate = (self.root / path.lstrip("/")).resolve()
        if candidate != self.root and not candidate.is_relative_to(self.root):
            return None  # a symbolic link out of the site
        return candidate if candidate.is_file() else None


def request_path(target: str) -> str:
    """The decoded, normalised path of a request-target; never above ``/``."""
    raw = unquote(target.split("?", 1)[0].split("#", 1)[0] or "/", errors="replace")  # origin-form: no host
    if "\x00" in raw:
        return "/\ufffd"
    path = posixpath.normpath("/" + raw.lstrip("/"))
    path = "/" + path.lstrip("/")  # normpath keeps a leading “//”
    return path + "/" if raw.endswith("/") and path != "/" else path


def _strip_slash(path: str) -> str:
    return path.rstrip("/") or "/"


def _redirects_file(path: Path):
    if not path.is_file():
        return
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        where = f"{path.name}:{n}"
        if len(parts) > 3:
            raise HostingError(f"{where}：不支持带条件或参数的规则：{line.strip()}")
        source, to, status = parts[0], parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "301"
        force = status.endswith("!")
        if not status.rstrip("!").isdigit():
            raise HostingError(f"{where}：状态码不是数字：{line.strip()}")
        yield _rule(source, to, int(status.rstrip("!")), force, where)


def _toml_rules(entries, name: str):
    for n, entry in enumerate(entries, 1):
        where = f"{name} [[redirects]] 第 {n} 条"
        unknown = set(entry) - _TOML_RULE_KEYS
        if unknown:
            raise HostingError(f"{where}：不支持的键 {', '.join(sorted(unknown))}")
        yield _rule(entry.get("from", ""), entry.get("to", ""), int(entry.get("status", 301)),
                    bool(entry.get("force", False)), where)


def _rule(source: str, to: str, status: int, force: bool, where: str) -> Rule:
    if not source.startswith("/") or not to:
        raise HostingError(f"{where}：规则须写成“来源路径 目标 状态码”，来源以 / 开头")
    if "*" in source[:-1] or (source.endswith("*") and not source.endswith("/*")) or ":" in source or "?" in source:
        raise HostingError(f"{where}：只支持完整路径和以 /* 结尾的路径，不支持占位符或查询参数：{source}")
    external = re.match(r"https?://", to) is not None
    if external and status not in REDIRECTS:
        raise HostingError(f"{where}：不支持转发到其他网站：{to}")
    if not external and not to.startswith("/"):
        raise HostingError(f"{where}：目标须以 / 开头：{to}")
    return Rule(source, to, status, force, where)


def _header_rule(entry: dict, name: str) -> HeaderRule:
    pattern, values = entry.get("for"), entry.get("values")
    if not isinstance(pattern, str) or not isinstance(values, dict) or set(entry) - {"for", "values"}:
        raise HostingError(f"{name} [[headers]]：须且只须有 for 和 values：{entry}")
    return HeaderRule(pattern, _for_regexp(pattern), tuple((k, " ".join(str(v).split())) for k, v in values.items()))


def _for_regexp(pattern: str) -> re.Pattern:
    """As Netlify's headers parser reads ``for``: ``:name`` one segment, ``*`` anything, a trailing
    slash optional, case-insensitive."""
    def part(p: str) -> str:
        if p.startswith(":"):
            return "([^/]+)"
        if p == "*":
            return "?(.*)"
        return "(.*)".join(re.escape(s) for s in p.split("*"))
    parts = [part(p.rstrip()) for p in pattern.split("/") if p.rstrip()]
    return re.compile("^/" + "/".join(parts) + "/?$", re.IGNORECASE)


def handler(hosting: Hosting, log: bool = False) -> type[http.server.BaseHTTPRequestHandler]:
    """A request handler serving ``hosting`` (GET and HEAD)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "gongshi"

        def do_GET(self):
            self._answer(body=True)

        def do_HEAD(self):
            self._answer(body=False)

        def _answer(self, body: bool):
            try:
                response = hosting.respond(self.path)
            except HostingError as exc:
                self.send_error(500, explain=str(exc))
                return
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            if response.file is None:
                self.send_header("Content-Length", "0")
            self.end_headers()
            if body and response.file is not None:
                try:
                    with open(response.file, "rb") as f:
                        while chunk := f.read(1 << 16):
                            self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    # the browser went away mid-file (a search cancelled, a tab closed): nothing to
                    # answer, and no traceback in the preview's console
                    self.close_connection = True

        def log_message(self, *args):
            if log:
                super().log_message(*args)

    return Handler


def server(hosting: Hosting, host: str = "127.0.0.1", port: int = 0, log: bool = False):
    """A threading HTTP server for ``hosting`` (not yet started: call ``serve_forever``)."""
    return http.server.ThreadingHTTPServer((host, port), handler(hosting, log))
