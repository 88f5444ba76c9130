"""The signed HTTP client: one class, explicit timeouts, a swappable transport."""

from __future__ import annotations

import copy
import json
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
from pydantic import BaseModel

from ._budget import RequestBudget
from ._config import ScpConfig
from ._errors import ConfigurationError, ScpApiError, ScpConnectionError, error_class, error_detail
from ._generated.areas import AreaAccessors
from ._operation import ApiOperation
from ._retry import Retry, RetryPolicy, RetryState, retry_after_seconds
from ._signing import ScpAuth
from ._watch import PAGE_SIZE, ListWatch

log = logging.getLogger(__name__)

ModelT = TypeVar("ModelT", bound=BaseModel)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# One pool per provider process serves every operation in flight: no cap on connections
# (the engine's --parallel is the cap), and enough kept alive that polls do not pay a
# TLS handshake each.
DEFAULT_LIMITS = httpx.Limits(max_connections=None, max_keepalive_connections=64, keepalive_expiry=30.0)
EMBEDDED_BASE_URL = "http://embedded-simulator.scpvs.internal"


def encode_query(query: Mapping[str, Any] | None) -> str:
    """The query string as sent and signed: sorted keys, lists repeated, booleans lower-case."""
    pairs: list[tuple[str, str]] = []
    for key in sorted(query or {}):
        value = (query or {})[key]
        if value is None:
            continue
        for item in value if isinstance(value, (list, tuple)) else [value]:
            pairs.append((key, str(item).lower() if isinstance(item, bool) else str(item)))
    return urlencode(pairs)


class ScpClient(AreaAccessors):
    """Signed client for the SCP Virtual Server API.

    Every operation of the API document is a typed method on an area attribute, e.g.
    ``client.servers.show_server(server_id)``; :meth:`call` is the untyped way in.
    Pass ``transport`` to talk to an in-process app (tests, the embedded simulator), and
    ``api_version="1.0"`` to speak the deprecated version wherever an operation has it.
    """

    def __init__(
        self,
        config: ScpConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        language: str = "en-US",
        api_version: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
        budget: RequestBudget | None = None,
    ) -> None:
        if config.is_embedded and transport is None:
            raise ConfigurationError(
                f"endpoint {config.endpoint!r} is the embedded simulator, which runs in this process: build the "
                "client with pulumi_scpvs.provider.make_client(config), which starts it"
            )
        self.config = config
        self.api_version = api_version
        self.retry = retry or RetryPolicy()
        self.language = language
        self.deadline = math.inf
        self._sleep = sleep
        self.budget = budget or RequestBudget(config.max_requests_per_second, sleep=sleep)
        self._watches: dict[str, ListWatch] = {}
        self._watches_lock = threading.Lock()
        self.base_url = EMBEDDED_BASE_URL if config.is_embedded else config.endpoint
        self._http = httpx.Client(
            transport=transport,
            timeout=timeout,
            limits=DEFAULT_LIMITS,
            auth=ScpAuth(config),
            event_hooks=dict(event_hooks or {}),
        )
        self._init_areas(self)

    def until(self, deadline: float) -> ScpClient:
        """This client (same connections, same counters) for one operation that must end by
        ``deadline`` (``time.monotonic()``): waiting out conflicts stops there."""
        return self._view(min(self.deadline, deadline))

    def _view(self, deadline: float) -> ScpClient:
        """This client (same connections, counters, budget and watches) with another deadline."""
        view = copy.copy(self)
        view.deadline = deadline
        view._init_areas(view)
        return view

    def watch(self, operation: ApiOperation, item_model: type[BaseModel]) -> ListWatch:
        """The shared watch over ``operation``'s list (one per client and its :meth:`until` views).

        ``operation`` lists a kind at the top level (no path parameters) in items of
        ``item_model`` with an ``id``; see :class:`ListWatch`.
        """
        if operation.path_params or operation.pagination is None:
            raise ValueError(f"{operation.name} is not a top-level paginated list")
        with self._watches_lock:
            watch = self._watches.get(operation.name)
            if watch is None:
                lister = self._view(math.inf)  # serves waits of every deadline
                watch = ListWatch(
                    lambda: lister.paginate(operation, item_model, query={"limit": PAGE_SIZE}),
                    id_of=lambda item: str(item.id),
                )
                self._watches[operation.name] = watch
            return watch

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> ScpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _headers(self, version: str) -> dict[str, str]:
        """The headers of every request besides the signature's (see :class:`ScpAuth`)."""
        return {
            "Scp-API-Version": f"virtualserver {version}",
            "Accept-Language": self.language,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    def _body(self, operation: ApiOperation, body: BaseModel | Mapping[str, Any] | None) -> bytes | None:
        if body is None:
            return None
        if not isinstance(body, BaseModel) and operation.body_model:
            body = operation.body_model.model_validate(body)
        data = body.model_dump(mode="json", by_alias=True, exclude_none=True) if isinstance(body, BaseModel) else body
        return json.dumps(data).encode("utf-8")

    def call(
        self,
        operation: ApiOperation,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        body: BaseModel | Mapping[str, Any] | None = None,
    ) -> Any:
        """Send one operation (retrying as :class:`RetryPolicy` says); return the parsed JSON body.

        Three layers: the request is built once, sent once per attempt
        (:meth:`_send_once`), and each outcome goes to the request's :class:`RetryState`,
        which decides without I/O whether and when to send it again."""
        request = self._request(operation, path, query, body)
        state = RetryState(self.retry, request.method, str(request.url), time.monotonic(), self.deadline)
        while True:
            try:
                response, retry_after = self._send_once(request)
            except httpx.TransportError as exc:
                retry = state.after_transport_error(exc)
                if retry is None:
                    raise ScpConnectionError(
                        f"{type(exc).__name__}: {exc}", method=state.method, url=state.url
                    ) from exc
            else:
                if response.is_success:
                    return response.json() if response.content else None
                error = self._error(response, state.method, state.url, retry_after)
                retry = state.after_answer(response.status_code, error.detail, retry_after, time.monotonic())
                if retry is None:
                    raise error
            self._before_retry(retry)

    def _request(
        self,
        operation: ApiOperation,
        path: Mapping[str, str] | None,
        query: Mapping[str, Any] | None,
        body: BaseModel | Mapping[str, Any] | None,
    ) -> httpx.Request:
        """The request as it will be signed and sent (its body validated against the document's model)."""
        query_string = encode_query(query)
        url = self.base_url + operation.url_path(**(path or {})) + (f"?{query_string}" if query_string else "")
        version = self.api_version if self.api_version in operation.versions else operation.version
        return self._http.build_request(
            operation.method, url, content=self._body(operation, body), headers=self._headers(version)
        )

    def _send_once(self, request: httpx.Request) -> tuple[httpx.Response, float | None]:
        """One attempt: wait for the request budget, send, and tell the budget how it went.
        Also returns the answer's ``Retry-After`` in seconds, read once for both."""
        self.budget.wait_turn(self.deadline)
        response = self._http.send(request)
        retry_after = retry_after_seconds(response)
        if response.status_code == 429:
            self.budget.refused(None if retry_after is None else min(retry_after, self.retry.max_retry_after))
        else:
            self.budget.answered()
        return response, retry_after

    def _before_retry(self, retry: Retry) -> None:
        if retry.throttled:  # the request budget paces it: nothing to sleep here
            log.log(retry.level, "%s: waiting for the request budget (%s)", retry.reason, self._budget_note())
            return
        log.log(retry.level, "retrying in %.2fs after %s", retry.delay, retry.reason)
        self._sleep(retry.delay)

    def _budget_note(self) -> str:
        rate = self.budget.rate
        return "no rate limit" if rate is None else f"now {rate:.1f} requests/s"

    @staticmethod
    def _error(response: httpx.Response, method: str, url: str, retry_after: float | None) -> ScpApiError:
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        detail, items = error_detail(body)
        if response.status_code == 401:
            detail += (
                " (check scpvs:accessKey and scpvs:secretKey, or SCP_ACCESS_KEY and SCP_SECRET_KEY, and that this "
                "machine's clock is right: requests more than 5 minutes off are refused)"
            )
        return error_class(response.status_code)(
            response.status_code, detail, method=method, url=url, errors=items, retry_after=retry_after
        )

    def call_model(
        self,
        model: type[ModelT],
        operation: ApiOperation,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        body: BaseModel | Mapping[str, Any] | None = None,
    ) -> ModelT:
        """:meth:`call`, parsed into the operation's response model."""
        return model.model_validate(self.call(operation, path=path, query=query, body=body))

    def paginate(
        self,
        operation: ApiOperation,
        item_model: type[ModelT],
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
    ) -> Iterator[ModelT]:
        """Yield every item of a list operation, following its pagination style.

        ``marker`` lists continue from the last item's id (a keypair's name);
        ``offset`` lists advance by the page length; ``page`` lists count pages from 0.
        """
        if operation.pagination is None or operation.items_field is None:
            raise ValueError(f"{operation.name} is not a paginated list")
        base = {k: v for k, v in (query or {}).items() if v is not None}
        size_key = "size" if operation.pagination == "page" else "limit"
        size = int(base.pop(size_key, 20) or 20)
        position: dict[str, Any] = {"page": 0} if operation.pagination == "page" else {}
        seen = 0
        while True:
            data = self.call(operation, path=path, query={**base, size_key: size, **position})
            items = data.get(operation.items_field) or []
            for item in items:
                yield item_model.model_validate(item)
            seen += len(items)
            total = data.get("count")
            # A count is a number, whatever JSON number it came as (never a bool).
            if len(items) < size or (isinstance(total, int | float) and not isinstance(total, bool) and seen >= total):
                return
            if operation.pagination == "marker":
                last = items[-1]
                position = {"marker": last.get("id") or last.get("name")}
            elif operation.pagination == "offset":
                position = {"offset": seen}
            else:
                position = {"page": position["page"] + 1}
