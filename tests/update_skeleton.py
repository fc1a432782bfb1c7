"""Refresh the skeleton of ``gongshi init`` (generator/skeleton/) from the repository's own files:

    .venv/bin/python tests/update_skeleton.py

What a new site shares with the repository — the Table Schemas, the datasets and compliance
sections of site_config.yaml, the headers and rules of netlify.toml, the daily rebuild — is copied
here, so that the package carries it (a wheel has no repository); a test keeps the copies equal.
The rest of the skeleton (the site's own settings, its build command, its CI, the sample page) is
written by hand in generator/skeleton/.
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SKELETON = REPO / "generator" / "skeleton"
HOSTING_START = ("# Security headers", "[[headers]]")  # the first line of netlify.toml's rules


def copies() -> dict[str, bytes]:
    """skeleton-relative path → the bytes it must hold."""
    out = {f"data/{p.name}": p.read_bytes() for p in sorted((REPO / "data").glob("*.schema.json"))}
    config = (REPO / "site_config.yaml").read_text(encoding="utf-8")
    out["site_config.datasets.yaml"] = config[config.index("\ndatasets:\n") + 1:].encode("utf-8")
    netlify = (REPO / "netlify.toml").read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(netlify) if line.startswith(HOSTING_START))
    out["netlify.hosting.toml"] = "".join(netlify[start:]).encode("utf-8")
    out["workflows/daily-deploy.yml"] = (REPO / ".github/workflows/daily-deploy.yml").read_bytes()
    out["workflows/ledger.sh"] = (REPO / ".github/scripts/ledger.sh").read_bytes()  # init adapts both (init.for_site)
    return out


if __name__ == "__main__":
    wanted = copies()
    for stale in (SKELETON / "data").glob("*.schema.json"):
        if f"data/{stale.name}" not in wanted:
            stale.unlink()
    for rel, data in wanted.items():
        (SKELETON / rel).parent.mkdir(parents=True, exist_ok=True)
        (SKELETON / rel).write_bytes(data)
    print(f"updated {len(wanted)} files in {SKELETON}", file=sys.stderr)
