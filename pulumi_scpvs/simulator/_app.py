"""The simulator as a WSGI application: routing, signature checks, validation, error bodies.

Being WSGI, the same app is served over real HTTP by ``scpvs-simulator`` and called
in-process by httpx's ``WSGITransport`` for the embedded simulator.

Admin endpoints for tests and benchmarks (never faulted, never rate limited):

- ``GET``/``POST /_admin/faults``: fault settings (see ``_faults``) and the ``injected``
  counts (``throttled``, ``rate_limited``, ``error_before``, ...).
- ``POST /_admin/faults/release``: answer every injected error held by ``error_delay`` now.
- ``GET /_admin/requests``: per operation name, the API requests that reached their
  handler, whatever it answered (a 404 for a deleted server, a 409 conflict are counted;
  so is a request whose answer is lost or replaced by an injected error after its
  commit). Not counted: requests answered before the handler (rate limited, throttled,
  injected errors before the operation, 401 signature, 400 validation, 404/405 routing).
- ``GET /_admin/objects``, ``/_admin/world``, ``/_admin/waits``: the world's contents.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote

from pydantic import BaseModel, ValidationError

from ..scp._generated.operations import OPERATIONS
from ..scp._operation import ApiOperation
from ..scp._signing import CLIENT_TYPE, verify
from ..scp.models import unknown_fields
from . import _account, _images, _scaling, _servers, _storage  # noqa: F401 - they register the handlers
from ._catalogue import seed
from ._context import Context, SimulatorError, SimulatorSettings
from ._faults import DropConnection, Faults, FaultSettings
from ._registry import HANDLERS
from ._shape import document_shape
from ._world import World

log = logging.getLogger(__name__)

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
}
VERSION_PATTERN = re.compile(r"^virtualserver (\d+\.\d+)$")


@dataclass(frozen=True)
class Route:
    operation: ApiOperation
    pattern: re.Pattern[str]
    literal_segments: int


def _compile(operation: ApiOperation) -> Route:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(operation.path))
    literals = sum(1 for part in operation.path.split("/") if part and not part.startswith("{"))
    return Route(operation, re.compile(f"^{regex}$"), literals)


ROUTES = sorted((_compile(op) for op in OPERATIONS.values()), key=lambda r: -r.literal_segments)


def error_body(status: int, code: str, detail: str | list[Any]) -> dict[str, Any]:
    """SCP's error body shape: ``{"errors": [{"status", "code", "detail"}]}``."""
    return {"errors": [{"status": status, "code": code, "detail": detail}]}


def _validation_detail(error: ValidationError, where: str) -> list[dict[str, Any]]:
    return [
        {
            "msg": item["msg"],
            "loc": [where, *item["loc"]],
            "type": item["type"],
            "ctx": {k: str(v) for k, v in (item.get("ctx") or {}).items()},
        }
        for item in error.errors()
    ]


class SimulatorApp:
    """A WSGI app that answers every operation of the API document, versions 1.0 and 1.1."""

    def __init__(self, world: World, settings: SimulatorSettings, faults: Faults | None = None) -> None:
        self.world = world
        self.settings = settings
        self.faults = faults or Faults()
        with world.transaction():
            seed(world)
        missing = set(OPERATIONS) - set(HANDLERS)
        if missing:
            raise RuntimeError(f"simulator has no handler for {sorted(missing)}")

    # -- WSGI entry point ---------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            status, body, headers = self.handle(environ)
        except DropConnection:
            raise
        except Exception:  # a bug in a handler must still answer like a server would
            log.exception("simulator error")
            status, body, headers = 500, error_body(500, "INTERNAL_ERROR", "simulator internal error"), []
        payload = b"" if body is None else json.dumps(body).encode("utf-8")
        response_headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
            # The server's clock, as every HTTP server sends it: clients bound "created since my
            # request" by it instead of trusting their own clock.
            ("Date", email.utils.formatdate(self.world.clock(), usegmt=True)),
            *headers,
        ]
        start_response(f"{status} {REASONS.get(status, 'Status')}", response_headers)
        return [payload]

    def handle(self, environ: dict[str, Any]) -> tuple[int, Any, list[tuple[str, str]]]:
        method = environ["REQUEST_METHOD"].upper()
        path = environ.get("PATH_INFO", "")
        raw_query = environ.get("QUERY_STRING", "")
        if path.startswith("/_admin/"):
            return self._admin(method, path, environ)
        injected = self._faults_before(method, path, environ)
        if injected is not None:
            return injected
        try:
            route, path_values = self._route(method, path)
            version = self._version(environ, route.operation)
            self._authenticate(environ, method, path, raw_query)
            query = self._query(route.operation, raw_query)
            body = self._body(route.operation, environ)
            context = Context(
                self.world, self.settings, route.operation.name, version, path_values, query, body, faults=self.faults
            )
            with self.world.transaction():
                self.world.settle()
                if route.operation.name.startswith("show_") and path_values:
                    self.world.observe(list(path_values.values())[-1])
            with self.world.transaction():
                self.world.next_number(f"requests:{route.operation.name}")
            with self.world.transaction():
                result = HANDLERS[route.operation.name](context)
                self._observe_listed(route.operation, result)
            response = self._response(route.operation, result)
            if method != "GET":
                self._faults_after_commit(method, path)
            return route.operation.success_status, response, []
        except SimulatorError as error:
            return error.status, error_body(error.status, error.code, error.detail), []

    def _observe_listed(self, operation: ApiOperation, result: Any) -> None:
        """A list is a look at every object it holds, as a show is at one (see ``/_admin/waits``)."""
        if operation.items_field is None or not isinstance(result, dict):
            return
        for item in result.get(operation.items_field) or []:
            if isinstance(item, dict) and item.get("id"):
                self.world.observe(str(item["id"]))

    # -- steps ---------------------------------------------------------------------------

    def _route(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        allowed = False
        for route in ROUTES:
            match = route.pattern.match(path)
            if match is None:
                continue
            if route.operation.method == method:
                return route, match.groupdict()
            allowed = True
        if allowed:
            raise SimulatorError(405, f"{method} is not allowed on {path}", "METHOD_NOT_ALLOWED")
        raise SimulatorError(404, f"no operation at {path}")

    @staticmethod
    def _version(environ: dict[str, Any], operation: ApiOperation) -> str:
        header = environ.get("HTTP_SCP_API_VERSION", "virtualserver 1.1")
        match = VERSION_PATTERN.match(header.strip())
        if match is None or match.group(1) not in ("1.0", "1.1"):
            raise SimulatorError(400, f"Scp-API-Version {header!r} is not supported; use 'virtualserver 1.1'")
        version = match.group(1)
        if version not in operation.versions:
            raise SimulatorError(
                404,
                f"{operation.title} does not exist in version {version}; it is only in {', '.join(operation.versions)}",
            )
        return version

    def _authenticate(self, environ: dict[str, Any], method: str, path: str, raw_query: str) -> None:
        def header(name: str) -> str | None:
            value = environ.get("HTTP_" + name.upper().replace("-", "_"))
            return None if value is None else str(value)

        access_key = header("Scp-AccessKey")
        signature = header("Scp-Signature")
        timestamp = header("Scp-Timestamp")
        if not access_key or not signature or not timestamp:
            missing = [
                n
                for n, v in (("Scp-AccessKey", access_key), ("Scp-Signature", signature), ("Scp-Timestamp", timestamp))
                if not v
            ]
            raise SimulatorError(
                401, f"missing authentication header(s): {', '.join(missing)}", "MISSING_AUTHENTICATION"
            )
        if header("Scp-ClientType") not in (None, CLIENT_TYPE):
            raise SimulatorError(401, f"Scp-ClientType must be {CLIENT_TYPE!r}", "INVALID_CLIENT_TYPE")
        if access_key != self.settings.access_key:
            raise SimulatorError(401, "the access key is not known (Scp-AccessKey)", "INVALID_ACCESS_KEY")
        try:
            sent_at = int(timestamp) / 1000
        except ValueError:
            raise SimulatorError(401, "Scp-Timestamp must be epoch milliseconds", "INVALID_TIMESTAMP") from None
        skew = abs(time.time() - sent_at)
        if skew > self.settings.max_clock_skew_seconds:
            raise SimulatorError(
                401,
                f"request timestamp is {skew:.0f} s away from the server clock (more than "
                f"{self.settings.max_clock_skew_seconds:.0f} s); check the client's clock",
                "TIMESTAMP_EXPIRED",
            )
        scheme = environ.get("wsgi.url_scheme", "http")
        host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
        url = f"{scheme}://{host}{quote(path, safe='/')}" + (f"?{raw_query}" if raw_query else "")
        account_id = header("Scp-AccountId") or ""
        if not verify(self.settings.secret_key, signature, method, url, timestamp, access_key, account_id):
            raise SimulatorError(
                401,
                "the signature does not match the request (Scp-Signature); check the secret key",
                "INVALID_SIGNATURE",
            )

    @staticmethod
    def _query(operation: ApiOperation, raw_query: str) -> BaseModel | None:
        pairs = parse_qsl(raw_query, keep_blank_values=True)
        if operation.query_model is None:
            if pairs:
                raise SimulatorError(
                    400,
                    [
                        {"msg": "unexpected query parameter", "loc": ["query", k], "type": "extra_forbidden"}
                        for k, _ in pairs
                    ],
                )
            return None
        model = operation.query_model
        values: dict[str, Any] = {}
        for key, value in pairs:
            info = model.model_fields.get(key)
            if info is None:
                raise SimulatorError(
                    400, [{"msg": "unexpected query parameter", "loc": ["query", key], "type": "extra_forbidden"}]
                )
            if "list[" in str(info.annotation):
                values.setdefault(key, []).append(value)
            else:
                values[key] = value
        try:
            return model.model_validate(values)
        except ValidationError as error:
            raise SimulatorError(400, _validation_detail(error, "query"), "VALIDATION_ERROR") from None

    @staticmethod
    def _body(operation: ApiOperation, environ: dict[str, Any]) -> BaseModel | None:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        if operation.body_model is None:
            return None
        if not raw:
            if operation.body_model.__name__ == "ServerRebootRequestBody":
                return operation.body_model()
            raise SimulatorError(
                400, [{"msg": "request body is required", "loc": ["body"], "type": "missing"}], "VALIDATION_ERROR"
            )
        try:
            data = json.loads(raw)
        except ValueError:
            raise SimulatorError(
                400, [{"msg": "body is not valid JSON", "loc": ["body"], "type": "json_invalid"}], "VALIDATION_ERROR"
            ) from None
        try:
            body = operation.body_model.model_validate(data)
        except ValidationError as error:
            raise SimulatorError(400, _validation_detail(error, "body"), "VALIDATION_ERROR") from None
        extra = unknown_fields(body)
        if extra:
            raise SimulatorError(
                400,
                [
                    {"msg": "extra fields not permitted", "loc": ["body", *name.split(".")], "type": "extra_forbidden"}
                    for name in extra
                ],
                "VALIDATION_ERROR",
            )
        return body

    @staticmethod
    def _response(operation: ApiOperation, result: Any) -> Any:
        if operation.response_model is None:
            return None
        return document_shape(result, operation.response_model)

    # -- faults ----------------------------------------------------------------------------

    def _faults_before(
        self, method: str, path: str, environ: dict[str, Any]
    ) -> tuple[int, Any, list[tuple[str, str]]] | None:
        """Latency, the rate limit, throttling and errors that happen before the request is looked at."""
        settings = self.faults.settings
        if settings.latency > 0:
            time.sleep(settings.latency)
        # Keyed by the access key the request names (checked later, as a gateway would).
        wait = self.faults.rate_limited(str(environ.get("HTTP_SCP_ACCESSKEY") or ""))
        if wait is not None:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length:  # read, not acted on: closing on an unread body could reset the connection
                environ["wsgi.input"].read(length)
            body = error_body(
                429, "TOO_MANY_REQUESTS", f"rate limit of {settings.rate_limit:g} requests per second exceeded"
            )
            return 429, body, [("Retry-After", self.faults.retry_after(wait))]
        if not settings.applies_to(method, path):
            return None
        if self.faults.happens(settings.throttle_rate, "throttled"):
            body = error_body(429, "TOO_MANY_REQUESTS", "rate limit exceeded; retry later")
            return 429, body, [("Retry-After", f"{settings.retry_after:g}")]
        if self.faults.happens(settings.error_rate, "error_before"):
            status = self.faults.pick_status()
            self.faults.hold(settings.error_delay)  # the settings it was decided by, even if reconfigured since
            return status, error_body(status, "SERVICE_UNAVAILABLE", "injected fault before the operation"), []
        return None

    def _faults_after_commit(self, method: str, path: str) -> None:
        """Failures after the operation was committed: the caller cannot know it succeeded."""
        settings = self.faults.settings
        if not settings.applies_to(method, path):
            return
        if self.faults.happens(settings.drop_rate, "dropped_after_commit"):
            raise DropConnection
        if self.faults.happens(settings.late_error_rate, "error_after_commit"):
            status = self.faults.pick_status()
            raise SimulatorError(status, "injected fault after the operation was committed", "SERVICE_UNAVAILABLE")

    # -- admin endpoints for tests and benchmarks ----------------------------------------------

    def _admin(self, method: str, path: str, environ: dict[str, Any]) -> tuple[int, Any, list[tuple[str, str]]]:
        if path == "/_admin/faults":
            if method == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                try:
                    self.faults.configure(
                        FaultSettings.from_mapping(json.loads(environ["wsgi.input"].read(length) or b"{}"))
                    )
                except (ValueError, TypeError) as error:
                    return 400, error_body(400, "BAD_REQUEST", str(error)), []
            return 200, self.faults.report(), []
        if path == "/_admin/faults/release" and method == "POST":
            return 200, {"released": self.faults.release()}, []
        with self.world.transaction():
            self.world.settle()
            if path == "/_admin/objects" and method == "GET":
                return 200, self.world.kinds(), []
            if path == "/_admin/world" and method == "GET":
                return 200, {kind: self.world.objects(kind) for kind in self.world.kinds()}, []
            if path == "/_admin/waits" and method == "GET":
                return 200, self.world.waits(), []
            if path == "/_admin/requests" and method == "GET":
                return 200, {k.split(":", 1)[1]: v for k, v in self.world.counters("requests:").items()}, []
        return 404, error_body(404, "NOT_FOUND", f"no admin endpoint {method} {path}"), []
