"""``scpvs-simulator``: serve the simulator over HTTP."""

from __future__ import annotations

import argparse
import logging
import signal
import socketserver
import sys
import threading
from collections.abc import Sequence
from typing import Any
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer, make_server

from ..scp._config import EMBEDDED, resolve_config
from . import transition_seconds_from_env
from ._app import SimulatorApp
from ._catalogue import ACCOUNT_ID
from ._context import SimulatorSettings
from ._faults import DropConnection, Faults, FaultSettings
from ._world import World

log = logging.getLogger(__name__)


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """wsgiref's server, one thread per connection."""

    daemon_threads = True
    allow_reuse_address = True


class _DroppingServerHandler(ServerHandler):
    """Lets the app end a request with no answer at all (the "dropped connection" fault)."""

    def handle_error(self) -> None:
        if isinstance(sys.exc_info()[1], DropConnection):
            self.close()
            return
        super().handle_error()


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        log.debug("%s - %s", self.address_string(), format % args)

    def handle(self) -> None:
        # wsgiref's own handle(), with a server handler that can drop the connection.
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536 or not self.parse_request():
            return
        output: Any = self.wfile  # a BufferedIOBase that wsgiref's stubs want as IO[bytes]
        handler = _DroppingServerHandler(self.rfile, output, self.get_stderr(), self.get_environ(), multithread=True)
        handler.request_handler = self  # type: ignore[attr-defined]
        handler.run(self.server.get_app())  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scpvs-simulator", description="A local SCP Virtual Server API.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8787, help="port to listen on; 0 picks a free one (default 8787)")
    parser.add_argument(
        "--state", metavar="FILE", help="SQLite file that keeps the world across restarts (default: in memory)"
    )
    parser.add_argument(
        "--access-key", help="accepted access key (default: resolved as the client does, e.g. SCP_ACCESS_KEY)"
    )
    parser.add_argument(
        "--secret-key", help="accepted secret key (default: resolved as the client does, e.g. SCP_SECRET_KEY)"
    )
    parser.add_argument(
        "--account-id",
        help=(
            "the account the keys belong to (default: resolved as the client does, e.g. SCP_ACCOUNT_ID, else the "
            "catalogue's); simulators that share a --state file are accounts of one region"
        ),
    )
    parser.add_argument(
        "--transition-seconds",
        type=float,
        default=transition_seconds_from_env(),
        help="how long transitional states last (SCPVS_SIM_TRANSITION_SECONDS, default 2)",
    )
    faults = parser.add_argument_group(
        "faults", "injected failures (also SCPVS_SIM_FAULTS as JSON, or POST /_admin/faults)"
    )
    for name, help_text in (
        ("error-rate", "fraction of requests answered 500/502/503/504 before anything happens"),
        ("error-delay", "seconds each of those errors is held before it is answered (default 0)"),
        ("throttle-rate", "fraction of requests answered 429 with Retry-After"),
        ("drop-rate", "fraction of mutating requests whose connection drops after the commit"),
        ("late-error-rate", "fraction of mutating requests answered 5xx after the commit"),
        ("fail-rate", "fraction of created servers/volumes/snapshots/images that end in their failure state"),
        ("stall-rate", "fraction of transitions that never complete"),
        ("latency", "seconds added to every request"),
        ("retry-after", "Retry-After seconds of throttled answers"),
        (
            "rate-limit",
            "requests per second per access key (a token bucket, burst one second's worth), "
            "beyond which requests are answered 429 with Retry-After; 0: no limit (default)",
        ),
    ):
        faults.add_argument(f"--{name}", type=float, help=help_text)
    faults.add_argument("--seed", type=int, help="seed of the fault generator (deterministic runs)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    # The same resolver as the client: a client configured from the same environment is accepted.
    credentials = resolve_config(
        {
            "endpoint": EMBEDDED,
            "access_key": args.access_key,
            "secret_key": args.secret_key,
            "account_id": args.account_id,
        }
    )
    settings = SimulatorSettings(
        credentials.access_key,
        credentials.secret_key,
        transition_seconds=args.transition_seconds,
        account_id=credentials.account_id or ACCOUNT_ID,
    )
    fault_settings = FaultSettings.from_env()
    for name in (
        "error_rate",
        "error_delay",
        "throttle_rate",
        "drop_rate",
        "late_error_rate",
        "fail_rate",
        "stall_rate",
        "latency",
        "retry_after",
        "rate_limit",
        "seed",
    ):
        if getattr(args, name) is not None:
            setattr(fault_settings, name, getattr(args, name))
    app = SimulatorApp(World(args.state), settings, Faults(fault_settings))
    server = make_server(args.host, args.port, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
    host, port = server.server_address[:2]
    host = host.decode() if isinstance(host, bytes) else host
    # The first line is machine-readable so that tests and scripts can find a port picked with --port 0.
    print(f"scpvs-simulator listening on http://{host}:{port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
