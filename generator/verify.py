"""``gongshi verify DIR|URL``: was this what the site published?  For consumers, auditors and courts.

Reads ``release.json`` from a build's folder or from the live site, and reports each mismatch:
- every file the manifest lists is there with its SHA-256 (E-VERIFY-CHANGED, E-VERIFY-MISSING);
  in a folder, every other file is one the manifest does not know (E-VERIFY-ADDED);
- the Ed25519 signature of the manifest's exact bytes (E-VERIFY-SIGNATURE), by the key given
  with ``--key`` (pinned: a PEM file or ``ed25519:…``), else the key the manifest names — which
  proves only that the manifest was not changed after signing, not who signed it;
- the link to the previous release (``--previous FILE|URL``: the release.json the reader held
  before): its SHA-256 is the one the manifest names (E-VERIFY-CHAIN).
A replaced manifest fails its signature and its files' hashes.  Standard library plus
``cryptography`` for the signature.
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, Severity, diag
from .tree import files_under
from .release import FORMAT, MANIFEST, PUBLIC_KEY, SIGNATURE, UNLISTED, KeyProblem, key_id, public_key

TIMEOUT = 60  # seconds per request


class Unreadable(Exception):
    pass


class Source:
    """A build's folder, or a site's base URL."""

    def __init__(self, where: str):
        self.where = where
        self.remote = where.startswith(("http://", "https://"))
        self.base = (where if where.endswith("/") else where + "/") if self.remote else where

    def read(self, path: str) -> bytes | None:
        """The file's bytes; None when it is not there (404, 410, no such file)."""
        if self.remote:
            return fetch(urllib.parse.urljoin(self.base, urllib.parse.quote(path)))
        try:
            return (Path(self.where) / path).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise Unreadable(f"{path}: {exc.strerror}") from None

    def sha256(self, path: str) -> str | None:
        if self.remote:
            data = self.read(path)
            return None if data is None else hashlib.sha256(data).hexdigest()
        try:
            with open(Path(self.where) / path, "rb") as f:
                return hashlib.file_digest(f, "sha256").hexdigest()
        except FileNotFoundError:
            return None

    def listing(self) -> list[str] | None:
        """Every file of a folder (None for a site: a web server lists nothing)."""
        if self.remote:
            return None
        return files_under(self.where)


def fetch(url: str) -> bytes | None:
    request = urllib.request.Request(url, headers={"User-Agent": "gongshi-verify", "Cache-Control": "no-cache"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (the reader's own URL)
            return response.read()
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 410):
            return None
        raise Unreadable(f"{url}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise Unreadable(f"{url}: {getattr(exc, 'reason', exc)}") from None


@dataclass
class Verified:
    problems: list[Diagnostic] = field(default_factory=list)
    manifest: dict = field(default_factory=dict)
    body: bytes = b""              # the manifest's bytes, as read
    checked: int = 0               # files whose hash was compared
    signed_by: str = ""            # the key that verified the signature

    @property
    def ok(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)


def read_reference(where: str) -> bytes | None:
    """A file or URL's bytes (a pinned key, a previous release.json); Unreadable if it cannot be read."""
    if where.startswith(("http://", "https://")):
        data = fetch(where)
        if data is None:
            raise Unreadable(f"{where}: 不存在")
        return data
    try:
        return Path(where).read_bytes()
    except OSError as exc:
        raise Unreadable(f"{where}: {exc.strerror}") from None


def verify(where: str, key: str | None = None, previous: bytes | None = None) -> Verified:
    """Every check of the release at ``where``.  ``key``: the pinned public key (PEM or
    ``ed25519:…``); ``previous``: the bytes of the release.json that came before."""
    source, result = Source(where), Verified()
    add = result.problems.append
    try:
        body = source.read(MANIFEST)
    except Unreadable as exc:
        add(diag("E-VERIFY-MANIFEST", MANIFEST, detail=str(exc)))
        return result
    doc = _manifest(body)
    if isinstance(doc, str):
        add(diag("E-VERIFY-MANIFEST", MANIFEST, detail=doc))
        return result
    result.manifest, result.body = doc, body
    _signature(source, body, doc, key, result)
    files = doc["files"]
    for path, digest in files.items():
        try:
            found = source.sha256(path)
        except Unreadable as exc:
            add(diag("E-VERIFY-MISSING", path, detail=str(exc)))
            continue
        result.checked += 1
        if found is None:
            add(diag("E-VERIFY-MISSING", path, detail="文件不存在"))
        elif found != digest:
            add(diag("E-VERIFY-CHANGED", path, expected=digest[:16], found=found[:16]))
    listing = source.listing()
    for path in listing or ():
        if path not in files and path not in UNLISTED:
            add(diag("E-VERIFY-ADDED", path))
    if previous is not None:
        link = doc.get("previous") or {}
        actual = hashlib.sha256(previous).hexdigest()
        if link.get("sha256") != actual:
            add(diag("E-VERIFY-CHAIN", MANIFEST, expected=(link.get("sha256") or "（无）")[:16], found=actual[:16]))
    return result


def _manifest(body: bytes | None) -> dict | str:
    if body is None:
        return f"找不到 {MANIFEST}"
    try:
        doc = json.loads(body)
    except ValueError as exc:
        return f"{MANIFEST} 不是有效的 JSON：{exc}"
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("files"), dict):
        return f"{MANIFEST} 不是 {FORMAT} 格式"
    return doc


def _signature(source: Source, body: bytes, doc: dict, pinned: str | None, result: Verified) -> None:
    from cryptography.exceptions import InvalidSignature

    add = result.problems.append
    named = doc.get("signing_key")
    try:
        key = public_key(pinned) if pinned else (public_key(named) if named else None)
    except KeyProblem as exc:
        add(diag("E-VERIFY-KEY", PUBLIC_KEY if not pinned else MANIFEST, detail=str(exc)))
        return
    if pinned and named and named != key_id(key):
        add(diag("E-VERIFY-KEY", MANIFEST, detail=f"清单声明的签名公钥 {named or '（无）'} 不是指定的公钥 {key_id(key)}"))
    sig = source.read(SIGNATURE)
    if sig is None:
        if key is None:
            add(diag("W-VERIFY-UNSIGNED", MANIFEST))
        else:
            add(diag("E-VERIFY-UNSIGNED", SIGNATURE))
        return
    if key is None:
        add(diag("E-VERIFY-KEY", MANIFEST, detail="有签名文件，但清单没有声明公钥，也没有用 --key 指定"))
        return
    try:
        key.verify(base64.b64decode(sig.strip(), validate=True), body)
        result.signed_by = key_id(key)
    except (InvalidSignature, ValueError):
        add(diag("E-VERIFY-SIGNATURE", SIGNATURE))


def report_lines(where: str, result: Verified) -> list[str]:
    lines = [d.format() for d in sorted(result.problems, key=lambda d: (d.severity is not Severity.ERROR, d.path))]
    doc = result.manifest
    errors = sum(1 for p in result.problems if p.severity is Severity.ERROR)
    if doc:
        signed = f"签名有效（{result.signed_by}）" if result.signed_by else "未验证签名"
        lines.append(f"发布清单：{doc.get('as_of')}，数据版本 {doc.get('revision') or '未记录'}，"
                     f"{len(doc['files'])} 个文件（核对 {result.checked} 个），{signed}")
    verdict = "校验通过" if result.ok else "校验未通过"
    lines.append(f"{verdict}：{where}，共 {errors} 个错误，{len(result.problems) - errors} 个警告")
    return lines
