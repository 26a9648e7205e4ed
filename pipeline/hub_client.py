"""Fetching the Hub's model listing one page at a time, through huggingface_hub's HTTP client.

`HfApi.list_models` hides the pagination cursor, so a crawl built on it cannot resume
mid-way, and it builds a `ModelInfo` per item. Here the listing is walked page by page
with the client's own session, headers (user agent, `HF_TOKEN`) and error types, and a
retry policy of our own: every page, the first included, is retried on 408/429/5xx,
timeouts, network errors, malformed bodies and empty pages that link to a next one,
honouring `RateLimit` and `Retry-After` (up to `MAX_SERVER_WAIT`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from importlib.metadata import version
from urllib.parse import urlencode

import httpx2
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status, parse_ratelimit_headers

from .records import decode_page

log = logging.getLogger(__name__)

# What the metrics need of every model (HUB_API.md). With `expand`, items hold only these
# plus `id` and `_id`.
EXPAND = (
    "author",
    "createdAt",
    "lastModified",
    "downloads",
    "downloadsAllTime",
    "likes",
    "trendingScore",
    "tags",
    "pipeline_tag",
    "library_name",
    "gated",
    "baseModels",
    "safetensors",
)
PAGE_SIZE = 1000  # the Hub's observed maximum
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# `t` in `RateLimit` is whole seconds rounded up, so the window has reset by then; the margin
# covers the two clocks. (huggingface_hub's own client waits t+1.)
RESET_MARGIN = 0.25
RETRY_EXCEPTIONS = (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError)
# The Hub's rate-limit window is 5 minutes: a longer wait asked for is a broken header, and
# honouring it could stall a run for hours.
MAX_SERVER_WAIT = 310.0


class HubError(RuntimeError):
    """The Hub could not be listed: the message names the page and what failed."""


class HubRefused(HubError):
    """The Hub answered with an error that retrying will not fix (401, 403, 404, 400...)."""


@dataclass
class Page:
    url: str
    items: list  # as `records.decode_page` gives them
    next_url: str | None
    hub_time: datetime  # the Hub's clock, from the response's `Date` header
    retries: int  # failed attempts before this page came through


def first_page_url(endpoint: str, page_size: int = PAGE_SIZE) -> str:
    """The census listing: every model, newest first by creation, so paging never repeats."""
    query = [("sort", "createdAt"), ("limit", page_size)] + [("expand", name) for name in EXPAND]
    return f"{endpoint}/api/models?{urlencode(query)}"


class HubLister:
    """Fetches listing pages with bounded retries. The token comes from the client's own
    resolution (`HF_TOKEN`, then the stored login) and is only ever sent as a header."""

    def __init__(
        self,
        *,
        max_attempts: int = 8,
        base_wait: float = 1.0,
        max_wait: float = 60.0,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.max_attempts = max_attempts
        self.base_wait = base_wait
        self.max_wait = max_wait
        self.timeout = timeout
        self.sleep = sleep
        self._headers = build_hf_headers(library_name="hubcensus", library_version=version("hubcensus"))
        # No request before this (monotonic clock): set when a response's `RateLimit` says
        # the window's budget is spent. Read by every fetching thread.
        self._not_before = 0.0

    def fetch(self, url: str, page_number: int, on_next: Callable[[str], None] | None = None) -> Page:
        """The page at `url`. `on_next` is called with the next page's URL as soon as this
        page's headers name it, before its body has arrived (again on a retry), so that the
        next request need not wait for this body."""
        wait = self.base_wait
        for attempt in range(1, self.max_attempts + 1):
            if (pause := self._not_before - time.monotonic()) > 0:
                log.info("rate limit budget spent: waiting %.1fs", pause)
                self.sleep(pause)
            try:
                with get_session().stream("GET", url, headers=self._headers, timeout=self.timeout) as response:
                    outcome = self._read(response, url, page_number, attempt, on_next)
            except RETRY_EXCEPTIONS as err:
                outcome = f"{type(err).__name__}: {err}", None
            if isinstance(outcome, Page):
                return outcome
            problem, server_wait = outcome
            if attempt == self.max_attempts:
                break
            delay = server_wait if server_wait is not None else wait
            log.warning("listing page %d: %s; retry %d/%d in %.1fs", page_number, problem, attempt,
                        self.max_attempts - 1, delay)
            self.sleep(delay)
            wait = min(self.max_wait, wait * 2)
        raise HubError(f"listing page {page_number} failed {self.max_attempts} times, last with {problem}: {url}")

    def _read(self, response: httpx2.Response, url: str, page_number: int, attempt: int,
              on_next: Callable[[str], None] | None) -> Page | tuple[str, float | None]:
        """The page, or (what went wrong, the wait the server asked for) when it is worth retrying."""
        if response.status_code in RETRY_STATUSES:
            return f"HTTP {response.status_code}", _server_asked_wait(response)
        if not response.is_success:
            response.read()
            try:
                hf_raise_for_status(response)
            except HfHubHTTPError as err:
                hint = " (check HF_TOKEN)" if response.status_code in (401, 403) else ""
                said = err.server_message or response.reason_phrase
                raise HubRefused(
                    f"the Hub refused listing page {page_number} with HTTP {response.status_code}{hint}: {said}"
                ) from None
        # before `on_next`, so that the next request honours it
        self._not_before = max(self._not_before, time.monotonic() + _pace(response))
        next_url = response.links.get("next", {}).get("url")
        if next_url and on_next:
            on_next(next_url)
        try:
            items = decode_page(response.read())
            # The Hub never sends one: following its link would silently leave out the
            # models this page should have held.
            if not items and next_url:
                raise ValueError("an empty page that links to a next one")
        except ValueError as err:
            return f"malformed page body ({err})", None
        return Page(url=url, items=items, next_url=next_url, hub_time=_hub_time(response), retries=attempt - 1)


def _server_asked_wait(response: httpx2.Response) -> float | None:
    """Seconds the server asked us to wait (`RateLimit` at r=0, else `Retry-After`)."""
    if wait := _pace(response):
        return wait
    retry_after = response.headers.get("Retry-After", "")
    return min(MAX_SERVER_WAIT, float(retry_after)) if retry_after.isdigit() else None


def _pace(response: httpx2.Response) -> float:
    """Seconds until the window resets when a response says its budget is spent (r=0), else
    0: after a good page, the next request waits that long rather than collect a 429."""
    info = parse_ratelimit_headers(response.headers)
    if info is not None and info.remaining == 0:
        return min(MAX_SERVER_WAIT, info.reset_in_seconds + RESET_MARGIN)
    return 0.0


def _hub_time(response: httpx2.Response) -> datetime:
    header = response.headers.get("Date")
    if header:
        try:
            return parsedate_to_datetime(header).astimezone(timezone.utc)
        except (TypeError, ValueError):
            log.warning("the Hub sent an unreadable Date header %r; using the local UTC clock", header)
    else:
        log.warning("the Hub sent no Date header; using the local UTC clock")
    return datetime.now(timezone.utc)
