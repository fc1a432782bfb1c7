"""Index: the written site in, a Pagefind full-text search index out (under /pagefind/).

Pagefind's extended build segments Chinese text.  Only what the pages mark with
``data-pagefind-body`` is indexed (record and content pages), and the pages hold public fields
only, so the index cannot hold more than the pages do.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def build_index(root: Path) -> str | None:
    """None on success, else the error text."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(root), "--output-subdir", "pagefind", "--silent"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if proc.returncode != 0:
        return (proc.stderr or proc.stdout).strip()[-500:] or f"exit {proc.returncode}"
    return None
