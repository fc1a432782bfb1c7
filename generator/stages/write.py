"""Write: rendered bytes in, files out — into a staging directory that replaces the output
directory only when the whole build has succeeded, so a failed build leaves it untouched
(``output_dir.py``: what the output may be, the staging directory and the swap)."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from ..pagefind_pages import UNKNOWN, Described, try_facts
from ..site import FileInfo

GIVEN = object()  # ``Writer.write``: the page's facts are handed over with its slot's (``described``)


def file_for(url: str) -> str:
    """Site-relative file of a URL: pretty URLs end in "/" and are served from index.html."""
    rel = url.lstrip("/")
    return rel + "index.html" if url.endswith("/") else rel


class Writer:
    def __init__(self, root: Path, describe: bool = False):
        """``describe``: keep the facts of each page for the search index (``take_facts``); a
        build without one does not pay for them."""
        self.root, self.describe = root, describe
        self._base = os.fspath(root)  # paths as strings: a Path per file costs a third of a page's write
        self._made: set[str] = set()
        # SHA-256 of each file written, by site path: the release manifest (release.py) takes
        # them from here instead of reading 100,000 files back
        self.digests: dict[str, str] = {}
        # what the search index reads of each HTML page written (pagefind_pages), by site path:
        # its plan takes them instead of reading the pages back
        self.facts = Described()

    def take_digests(self) -> dict[str, str]:
        """The digests of the files written since the last call (a worker hands them back per task)."""
        taken, self.digests = self.digests, {}
        return taken

    def take_facts(self) -> Described:
        """The facts of the pages written since the last call."""
        taken, self.facts = self.facts, Described()
        return taken

    def described(self, urls: Iterable[str], encoded: bytes) -> None:
        """The facts of pages written with ``facts=GIVEN``, as a slot of the cache holds them
        (``pagefind_pages.encode``)."""
        if self.describe:
            self.facts.slots.append((tuple(file_for(u) for u in urls), encoded))

    def write(self, url: str, chunks: Iterable[bytes], facts=UNKNOWN) -> None:
        """``facts``: ``GIVEN`` when the caller hands them over (``described``); else found here."""
        rel = file_for(url)
        if self.describe and facts is not GIVEN and rel.endswith(".html"):
            page = b"".join(chunks)
            chunks = (page,)
            described, facts = try_facts(page)
            if described:  # else left to the index stage, which reports what it refuses
                self.facts.pages[rel] = facts
        path = f"{self._base}/{rel}"
        digest = hashlib.sha256()
        parent = path.rpartition("/")[0]
        if parent not in self._made:  # one mkdir per directory, not per file
            try:
                os.mkdir(parent)  # the common case: a record's own directory, its parent made already
            except FileNotFoundError:
                os.makedirs(parent, exist_ok=True)
            except FileExistsError:
                pass
            self._made.add(parent)
        # os-level calls: for 100,000 small pages, a file object's buffering is pure overhead
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            for chunk in chunks:
                digest.update(chunk)
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        self.digests[rel] = digest.hexdigest()


def copy_static(sources: Iterable[tuple[Path, str]], root: Path) -> None:
    """Copy the theme's static files (CSS, scripts) into the site: each source directory to its
    target path; later sources win.  (Files of content/ are checked and written by the assets
    stage, never copied blind.)"""
    for source, target in sources:
        if source.is_dir():
            shutil.copytree(source, root / target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"))


def file_infos(root: Path, urls) -> dict:
    """Size and SHA-256 of written files, by URL (for the downloads page, index.json and
    datapackage.json)."""
    infos = {}
    for url in urls:
        h, size = hashlib.sha256(), 0
        with open(root / file_for(url), "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
        infos[url] = FileInfo(url, size, h.hexdigest())
    return infos
