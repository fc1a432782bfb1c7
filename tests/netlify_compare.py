"""Compare generator/hosting.py with the real Netlify CLI, by hand (README “Deployment”):

    npm install --prefix /tmp/netlify netlify-cli
    .venv/bin/gongshi build --as-of 2026-11-29
    .venv/bin/python tests/netlify_compare.py /tmp/netlify/node_modules/.bin/netlify public

Serves the built site twice — ``netlify dev --offline`` (with netlify.toml, edge functions off)
and generator/hosting.py — asks both for every file, the pretty forms of every page, every URL a
410 rule covers (with and without the slash, its index.html, a path below it) and unknown URLs,
and prints what differs: status, Content-Type, the body, and each header netlify.toml sets.
Cache-Control is left out: the CLI's static server overwrites it, whatever netlify.toml says.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator import hosting  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def probes(public: Path) -> list[str]:
    urls = []
    for f in sorted(p for p in public.rglob("*") if p.is_file()):
        url = "/" + f.relative_to(public).as_posix()
        urls.append(url)
        if f.name == "index.html" and url != "/index.html":
            urls += [url[: -len("index.html")], url[: -len("/index.html")]]
    for line in (public / "_redirects").read_text(encoding="utf-8").splitlines():
        if line.startswith("/") and line.split()[0].endswith("/*"):
            base = line.split()[0][:-1]
            urls += [base, base[:-1], base + "index.html", base + "a/b"]
    urls += ["/no-such-page", "/no-such-page/", "/penalties/0000000000000000/", "/404", "/gone", "/favicon.ico"]
    return list(dict.fromkeys(urls))


def get(port: int, url: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", url)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, hashlib.sha256(body).hexdigest()[:12]


def wait(port: int, limit: float = 180) -> None:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        try:
            get(port, "/")
            return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"nothing answers on port {port}")


def main(cli: str, public: str, port: int = 8899) -> int:
    public_dir = Path(public).resolve()
    config = REPO / "netlify.toml"
    compared = [k.lower() for h in tomllib.loads(config.read_text(encoding="utf-8"))["headers"]
                for k in h["values"] if k.lower() != "cache-control"]
    project = Path(tempfile.mkdtemp(prefix="netlify-compare-"))
    shutil.copyfile(config, project / "netlify.toml")
    (project / "public").symlink_to(public_dir)
    version = subprocess.run([cli, "--version"], capture_output=True, text=True).stdout.strip()
    dev = subprocess.Popen([cli, "dev", "--offline", "--internal-disable-edge-functions", "--dir", "public",
                            "--port", str(port), "--no-open"], cwd=project, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env={**os.environ, "NETLIFY_TELEMETRY_DISABLED": "1"})
    server = hosting.server(hosting.Hosting.load(public_dir, config))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        wait(port)
        differences, urls, statuses = [], probes(public_dir), Counter()
        for url in urls:
            (s1, h1, b1), (s2, h2, b2) = get(port, url), get(server.server_address[1], url)
            statuses[s1] += 1
            what = [f"status {s1}≠{s2}"] if s1 != s2 else []
            what += [f"body {b1}≠{b2}"] if b1 != b2 else []
            what += [f"{k}: {h1.get(k)!r}≠{h2.get(k)!r}" for k in ["content-type", *compared] if h1.get(k) != h2.get(k)]
            if what:
                differences.append(f"{url}: {'; '.join(what)}")
        print(f"{version}: {len(urls)} URLs, {len(urls) - len(differences)} answered alike; the CLI answered "
              + ", ".join(f"{n} × {s}" for s, n in sorted(statuses.items())))
        print("\n".join(differences[:50]) or "no difference")
        return 1 if differences else 0
    finally:
        server.shutdown()
        dev.terminate()
        dev.wait(timeout=30)
        shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
