"""An HTTP server that answers like the Hugging Face Hub's model listing (HUB_API.md).

Run it in-process (``with SimulatedHub(world, day) as hub: hub.url``) or from the command
line (``hubcensus fake-hub``). With ``cache_pages`` it keeps every page it has rendered
(``warm`` renders a whole listing up front), so a benchmark measures the client, not the
world's arithmetic. Faults are injected on demand: latency, a fixed-window rate limit
answered with 429s and `RateLimit` headers, and on chosen pages server errors, truncated
bodies, slow answers, reset connections, empty pages, links back to an earlier page, a
listing cut short, items of the test's choosing; and a token that must be presented.
"""

from __future__ import annotations

import base64
import json
import socket
import struct
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from datetime import date
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from .world import World, midnight

# Expandable model properties of the client 2.x (HUB_API.md); any other value is a 400.
EXPANDABLE = frozenset(
    "author baseModels cardData childrenModelCount config createdAt disabled downloads downloadsAllTime "
    "evalResults gated gguf inference inferenceProviderMapping lastModified library_name likes mask_token "
    "model-index pipeline_tag private resourceGroup safetensors sha siblings spaces tags transformersInfo "
    "trendingScore usedStorage widgetData".split()
)


@dataclass
class Fault:
    """Spoil `count` matching requests. Kinds:
    - "status": answer with `status` (and `Retry-After: retry_after` when set);
    - "truncate": a 200 whose JSON body is cut in half;
    - "bad_items": a page whose first items are malformed (no id, a counter that is not a
      number, a date in another format);
    - "items": the page's items replaced by `items` (served as JSON, whatever they hold);
    - "slow": the answer held back `seconds` (beyond a client's timeout);
    - "reset": the connection reset (TCP RST) instead of an answer;
    - "empty": an empty page that still links to the next one;
    - "loop": the page, linking back to page `to_page` instead of the next one;
    - "cutoff": the page, with no link: the listing ends there."""

    kind: str = "status"
    status: int = 503
    count: int = 1
    page: int | None = None  # 1-based listing page; None matches any request
    retry_after: int | None = None
    items: list | None = None
    seconds: float = 0.0
    to_page: int = 1


class SimulatedHub:
    def __init__(
        self,
        world: World,
        day: date,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_page_size: int = 1000,
        latency: float = 0.0,
        rate_limit: tuple[int, float] | None = None,
        token: str | None = None,
        cache_pages: bool = False,
    ):
        self.world = world
        self.day = day
        self.max_page_size = max_page_size
        self.latency = latency
        self.rate_limit = rate_limit  # (requests, window seconds), a fixed window like the Hub's
        self.token = token
        self.faults: deque[Fault] = deque()
        # (expand, page size, author, cursor) -> (body, next query, page number)
        self._pages: dict[tuple, tuple[bytes, list | None, int]] | None = {} if cache_pages else None
        self.stats: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._window = (0, 0)  # (window number, requests in it)
        self._cursors: dict[int, str] = {}  # page number -> the cursor that fetches it
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SimulatedHub:
        self._thread = threading.Thread(target=self._server.serve_forever, name="simulated-hub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def __enter__(self) -> SimulatedHub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def inject(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    # -- request handling ------------------------------------------------------------------
    def _take_fault(self, page: int) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.page is None or fault.page == page:
                    fault.count -= 1
                    if fault.count <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def _rate_limit_headers(self) -> tuple[bool, dict[str, str]]:
        """Count this request in the fixed window; (allowed, RateLimit headers)."""
        if self.rate_limit is None:
            return True, {}
        quota, window = self.rate_limit
        now = time.monotonic()
        number = int(now // window)
        with self._lock:
            current, used = self._window
            used = used + 1 if current == number else 1
            self._window = (number, used)
        reset = max(1, int(window - (now % window) + 0.999))
        headers = {
            "RateLimit": f'"api";r={max(0, quota - used)};t={reset}',
            "RateLimit-Policy": f'"fixed window";"api";q={quota};w={int(window)}',
        }
        if used > quota:
            headers["Retry-After"] = str(reset)
            return False, headers
        return True, headers

    def respond(self, method: str, path_and_query: str, headers) -> tuple[int, dict[str, str], bytes] | None:
        """(status, headers, body), or None to reset the connection."""
        parts = urlsplit(path_and_query)
        self.stats["requests"] += 1
        self.stats["listing requests"] += parts.path == "/api/models"
        if self.latency:
            time.sleep(self.latency)
        # The clock stands at 00:00 UTC of the simulated day: the instant the world's
        # listing and counters describe, so a census started then sees exactly them.
        out = {"Date": format_datetime(midnight(self.day), usegmt=True)}
        allowed, limit_headers = self._rate_limit_headers()
        out.update(limit_headers)
        if not allowed:
            self.stats["429"] += 1
            return _error(429, "You have exceeded our rate limit. Retry later.", out)
        if self.token is not None and headers.get("Authorization") != f"Bearer {self.token}":
            self.stats["401"] += 1
            return _error(401, "Invalid credentials in Authorization header", out)
        if method != "GET" or parts.path != "/api/models":
            return _error(404, f"Sorry, we can't find the page you are looking for: {parts.path}", out)
        query = parse_qsl(parts.query, keep_blank_values=True)
        try:
            body, next_query, page = self._rendered_page(query)
        except ValueError as err:
            return _error(400, str(err), out)
        fault = self._take_fault(page)
        kind = fault.kind if fault else None
        if kind:
            self.stats[{"status": str(fault.status), "truncate": "truncated"}.get(kind, kind)] += 1
        if kind == "status":
            if fault.retry_after is not None:
                out["Retry-After"] = str(fault.retry_after)
            return _error(fault.status, "simulated server error", out)
        if kind == "slow":
            time.sleep(fault.seconds)
        if kind == "reset":
            return None
        if kind == "bad_items":
            body = json.dumps(_spoil(json.loads(body)), separators=(",", ":")).encode()
        if kind == "items":
            body = json.dumps(fault.items, separators=(",", ":")).encode()
        if kind == "empty":
            body = b"[]"
        if kind == "cutoff":
            next_query = None
        if kind == "loop":
            next_query = [(k, v) for k, v in query if k != "cursor"]
            if fault.to_page > 1:
                next_query.append(("cursor", self._cursors[fault.to_page]))
        if kind == "truncate":
            body = body[: len(body) // 2]
        if next_query is not None:
            host = headers.get("Host") or urlsplit(self.url).netloc
            next_url = f"http://{host}{parts.path}?{urlencode(next_query)}"
            out["Link"] = f'<{next_url}>; rel="next"'
        out["Content-Type"] = "application/json; charset=utf-8"
        self.stats["pages"] += 1
        return 200, out, body

    def warm(self, path_and_query: str) -> int:
        """Render every page of the listing that starts at `path_and_query` into the cache
        (``cache_pages``); returns the number of pages."""
        query, pages = parse_qsl(urlsplit(path_and_query).query, keep_blank_values=True), 0
        while query is not None:
            _, query, _ = self._rendered_page(query)
            pages += 1
        return pages

    def _rendered_page(self, query: list[tuple[str, str]]) -> tuple[bytes, list | None, int]:
        """One listing page as JSON bytes, the next page's query (or None) and the page number."""
        if self._pages is None:
            items, next_query, page = self._page(query)
            return json.dumps(items, separators=(",", ":")).encode(), next_query, page
        options = dict(query)
        limit = options.get("limit", str(self.max_page_size))
        if not limit.isdigit():
            raise ValueError('"limit" must be an integer')
        key = (
            frozenset(v for k, v in query if k in ("expand", "expand[]")),
            min(int(limit), self.max_page_size),
            options.get("author"),
            options.get("cursor"),
        )
        if key not in self._pages:
            items, next_query, page = self._page(query)
            self._pages[key] = (json.dumps(items, separators=(",", ":")).encode(), next_query, page)
        body, next_query, page = self._pages[key]
        if next_query is not None:  # the cached query is whichever client asked first: follow this one's
            cursor = dict(next_query)["cursor"]
            next_query = [(k, v) for k, v in query if k != "cursor"] + [("cursor", cursor)]
        return body, next_query, page

    def _page(self, query: list[tuple[str, str]]):
        """The items of one listing page, the next page's query (or None) and the page number."""
        expand: list[str] = []
        options: dict[str, str] = {}
        for key, value in query:
            if key in ("expand", "expand[]"):
                if value not in EXPANDABLE:
                    raise ValueError(f'"expand" must be one of the expandable properties, got "{value}"')
                expand.append(value)
            else:
                options[key] = value
        sort = options.get("sort", "trendingScore")
        if sort != "createdAt":
            raise ValueError(f'the simulated Hub serves sort=createdAt only, not "{sort}"')
        if expand and any(options.get(k) for k in ("full", "cardData", "config")):
            raise ValueError('"expand" cannot be combined with "full", "cardData" or "config"')
        try:
            size = min(int(options.get("limit", self.max_page_size)), self.max_page_size)
        except ValueError:
            raise ValueError('"limit" must be an integer') from None
        if size < 1:
            raise ValueError('"limit" must be positive')
        start, page = None, 1
        if "cursor" in options:
            try:
                state = json.loads(base64.urlsafe_b64decode(options["cursor"]))
                start, page = int(state["i"]), int(state["p"])
            except (ValueError, KeyError, TypeError):
                raise ValueError("invalid cursor") from None
        author = options.get("author")
        world, day = self.world, self.day
        items = []
        for i in world.listing(day, below=None if start is None else start + 1):
            if author is None or world.static(i).author == author:
                items.append(world.item(i, day, tuple(expand) if expand else None))
                if len(items) == size:
                    break
        else:
            return items, None, page  # the listing's end
        i -= 1  # the cursor: the next model to look at
        if i < 0:
            return items, None, page
        cursor = base64.urlsafe_b64encode(json.dumps({"$or": "createdAt", "i": i, "p": page + 1}).encode()).decode()
        self._cursors[page + 1] = cursor
        next_query = [(k, v) for k, v in query if k != "cursor"] + [("cursor", cursor)]
        return items, next_query, page


def _spoil(items: list) -> list:
    """Malformed copies of the first three items of a page, as a broken Hub might send them."""
    items = [dict(item) for item in items]
    spoilers = (
        lambda item: item.pop("id"),
        lambda item: item.update(downloadsAllTime="many"),
        lambda item: item.update(createdAt="03/02/2022 23:29"),
    )
    for item, spoil in zip(items, spoilers):
        spoil(item)
    return items


def _error(status: int, message: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    headers = dict(headers, **{"X-Error-Message": message, "Content-Type": "application/json"})
    return status, headers, json.dumps({"error": message}).encode()


def _handler_for(hub: SimulatedHub):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - the stdlib's name
            answer = hub.respond("GET", self.path, self.headers)
            if answer is None:  # close with SO_LINGER 0: the client sees a reset, not an EOF
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return
            status, headers, body = answer
            self.log_request(status)
            try:
                self.send_response_only(status)  # no Date of the local clock: the Hub's is in `headers`
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # a client that timed out before a slow answer

        def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
            pass  # quiet: tests and benchmarks make thousands of requests

    return Handler
