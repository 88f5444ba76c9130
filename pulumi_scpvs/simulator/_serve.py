"""``scpvs-simulator``: serve the simulator over HTTP."""

from __future__ import annotations

import argparse
import logging
import signal
import socketserver
import sys
import threading
from collections.abc import Sequence
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .._config import EMBEDDED, resolve_config
from . import transition_seconds_from_env
from ._app import SimulatorApp
from ._context import SimulatorSettings
from ._world import World

log = logging.getLogger("pulumi_scpvs.simulator")


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """wsgiref's server, one thread per connection."""

    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        log.debug("%s - %s", self.address_string(), format % args)


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
        "--transition-seconds",
        type=float,
        default=transition_seconds_from_env(),
        help="how long transitional states last (SCPVS_SIM_TRANSITION_SECONDS, default 2)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    # The same resolver as the client: a client configured from the same environment is accepted.
    credentials = resolve_config({"endpoint": EMBEDDED, "access_key": args.access_key, "secret_key": args.secret_key})
    settings = SimulatorSettings(
        credentials.access_key, credentials.secret_key, transition_seconds=args.transition_seconds
    )
    app = SimulatorApp(World(args.state), settings)
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
