"""A built site served over HTTP on 127.0.0.1 (a port the system chooses), for the tests of what
reads the live site: ``gongshi verify URL``, ``gongshi check --live URL``, the reference consumer."""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Served:
    """The folder served can be swapped while serving (a new deploy going live)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.requests = 0

    def handler(self, *args, **kwargs):
        self.requests += 1
        return _Quiet(*args, directory=str(self.folder), **kwargs)


@contextmanager
def serve(folder: Path):
    """(base URL ending in "/", Served) while the block runs."""
    served = Served(folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Served.handler, served))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", served
    finally:
        server.shutdown()
        server.server_close()
