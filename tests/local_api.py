"""A local HTTP server standing in for a deployed API, for the smoke check in the demo's tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serving(body: bytes) -> Iterator[tuple[str, list[str]]]:
    """Answer every GET with 200 and `body` on a loopback port the OS picks; yield the invoke URL
    of a stage `dev` there and the list of paths requested so far."""
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/dev", paths
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
