"""HTTP plumbing shared by the fake API host and the fake storage host."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import traceback
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple

JSON_TYPE = "application/json; charset=utf-8"


class LoggedRequest(NamedTuple):
    """One request as received: full path, last value of each query key, headers."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Request:
    """A parsed incoming request."""

    method: str
    path: str
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]
    body: bytes

    def logged(self) -> LoggedRequest:
        """Return the log entry for this request."""
        return LoggedRequest(
            self.method, self.path, dict(self.query), dict(self.headers)
        )


@dataclass
class Reply:
    """A response to send; `delay` and `truncate` come from injected faults."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: bool = False


def json_reply(
    status: int, payload: Any, headers: dict[str, str] | None = None
) -> Reply:
    """Return a reply carrying a JSON document."""
    data = json.dumps(payload).encode("utf-8")
    return Reply(status, data, {"content-type": JSON_TYPE, **(headers or {})})


Handle = Callable[[Request], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handle: Handle, app: Any) -> None:
        self.handle_request_fn = handle
        self.app = app
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (timeouts, truncated bodies) are expected; anything
        # else is a bug in the fake and is kept so the test can fail on it.
        error = traceback.format_exc()
        if "ConnectionResetError" in error or "BrokenPipeError" in error:
            return
        self.app.errors.append(error)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GitHub.com"
    sys_version = ""
    timeout = 30
    # Buffer the answer and disable Nagle: headers and body written separately
    # otherwise meet delayed ACKs and every request stalls for ~40 ms.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.sockets_lock:
            self.server.open_sockets.add(self.connection)

    def finish(self) -> None:
        with self.server.sockets_lock:
            self.server.open_sockets.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet; tests read `FakeGitHub.requests` instead."""

    def _serve(self) -> None:
        split = urllib.parse.urlsplit(self.path)
        pairs = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
        length = int(self.headers.get("content-length") or 0)
        request = Request(
            method=self.command,
            path=split.path,
            query=dict(pairs),
            raw_query=split.query,
            headers={key.lower(): value for key, value in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        try:
            reply = self.server.handle_request_fn(request)
        except Exception:  # noqa: BLE001 - a bug in the fake: answer 500, keep it
            self.server.app.errors.append(traceback.format_exc())
            reply = json_reply(500, {"message": "fake GitHub crashed; see .errors"})

        if reply.delay:
            self.server.app.closing.wait(reply.delay)
        self._write(reply)

    def _write(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.send_header("content-length", str(len(reply.body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if reply.truncate:
            # Promise the whole body, send half, hang up: an interrupted download.
            self.wfile.write(reply.body[: len(reply.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(reply.body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _serve


def start_server(
    host: str, port: int, handle: Handle, app: Any
) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Serve on `host`:`port` (0 picks a free port) from a background thread."""
    server = _Server((host, port), handle, app)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    return server, thread


def stop_server(server: ThreadingHTTPServer, thread: threading.Thread) -> None:
    """Stop serving, hang up on open keep-alive connections and free the port."""
    server.shutdown()
    assert isinstance(server, _Server)
    with server.sockets_lock:
        for sock in list(server.open_sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
    server.server_close()
    thread.join(timeout=5)
