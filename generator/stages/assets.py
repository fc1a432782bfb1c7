"""Assets: the files of ``content/`` other than Markdown in, the ones that may be published out
(README "Security").  A file is published only if its type is on the allow-list, its place in the
site is free, and everything in it was read and found clean (P3.1, P3.3); every other file is an
error naming it, and the build publishes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from ..assets import ALLOWED, INSTEAD, Refused, publishable, published_bytes
from ..diagnostics import Diagnostic, diag
from ..model import ContentAsset
from ..outputs import routes


def check_assets(root: Path, content_dir: str, files: Iterable[str], reserved: set[str],
                 problems: list[Diagnostic]) -> tuple[ContentAsset, ...]:
    """The files (site-root-relative paths, from ``content_files``) that may be published.
    ``reserved``: the first path segments the build's own outputs live under (/penalties/, …)."""
    base = (root / content_dir).resolve()
    kept = []
    for relpath in files:
        path = root / relpath
        target = path.resolve().relative_to(base).as_posix()
        suffix = path.suffix.lower()
        if suffix not in ALLOWED:
            hint = INSTEAD.get(suffix)
            problems.append(diag("E-ASSET-TYPE", relpath, suffix=suffix or "（无扩展名）",
                                 detail=f"：{hint}" if hint else ""))
            continue
        if (top := target.split("/", 1)[0]) in reserved or top.lower() in reserved:
            problems.append(diag("E-ASSET-COLLISION", relpath, name=target, other=routes.section_root(top)))
            continue
        data = path.read_bytes()
        try:
            publishable(path.name, data)
        except Refused as refused:
            problems.append(_refusal(refused, relpath))
            continue
        kept.append(ContentAsset(relpath, target, hashlib.sha256(data).hexdigest()))
    return tuple(kept)


def _refusal(refused: Refused, relpath: str) -> Diagnostic:
    return diag(refused.code, relpath, refused.line, detail=refused.detail)


def asset_collisions(assets: Iterable[ContentAsset], output_files: Iterable[str],
                     problems: list[Diagnostic]) -> None:
    """A content file may not take the place of a generated one (/robots.txt, /sitemap.xml …):
    the build would publish one or the other depending on the order of writing."""
    targets = {a.target.lower(): a for a in assets}
    if not targets:
        return
    for name in output_files:
        if (asset := targets.get(name.lower())) is not None:
            problems.append(diag("E-ASSET-COLLISION", asset.source, name=asset.target, other=routes.of_file(name)))


def write_assets(root: Path, assets: Iterable[ContentAsset], out: Path) -> list[Diagnostic]:
    """Write the checked files into ``out`` (the staging directory); the problems, if any file
    changed since it was checked (it is then not written: it was never scanned)."""
    problems = []
    for asset in assets:
        data = (root / asset.source).read_bytes()
        if hashlib.sha256(data).hexdigest() != asset.sha256:
            problems.append(diag("E-ASSET-UNREADABLE", asset.source, detail="文件在生成过程中被修改，请重新生成"))
            continue
        target = out / asset.target
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(published_bytes(Path(asset.source).name, data))
    return problems
