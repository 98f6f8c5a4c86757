"""``python -m sandbox serve``: the stand-in portal for people.

Prints the URL and the admin token (a sandbox-only credential) on start; ``--demo-account``
also creates an account and prints its CIP and password so a person can walk steps 1-7
with a real authenticator app. Errors are one line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
from collections.abc import Sequence

from sandbox.app import create_app
from sandbox.config import DEFAULTS, VARIANT_CHOICES, ConfigError
from sandbox.keycloak.config import CHOICES as KEYCLOAK_CHOICES
from sandbox.keycloak.servers import bind_keycloak
from sandbox.running import FLAVOURS
from sandbox.server import SandboxServer

TOKEN_ENV = "SANDBOX_ADMIN_TOKEN"
DEMO_CIP = "demo0001"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the stand-in portal until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (0 picks a free one)")
    serve.add_argument("--tls", action="store_true", help="HTTPS with a self-signed certificate")
    serve.add_argument("--cert-days", type=int, default=30, help="certificate validity in days")
    serve.add_argument("--demo-account", action="store_true", help="create a demo account")
    serve.add_argument(
        "--flavour",
        choices=FLAVOURS,
        default=FLAVOURS[0],
        help="keycloak: eEspresso behind a Keycloak 26 stand-in on a second port",
    )
    serve.add_argument("--idp-port", type=int, default=0, help="keycloak: its port (0: free)")
    for key, choices in KEYCLOAK_CHOICES.items():
        serve.add_argument(
            f"--{key.lower()}", choices=choices, default=choices[0], help=f"keycloak: {key.lower()}"
        )
    for key, choices in VARIANT_CHOICES.items():
        listed = {"choices": [str(c) for c in choices]} if len(choices) <= 10 else {}
        serve.add_argument(
            f"--{key.lower().replace('_', '-')}",
            default=str(DEFAULTS[key]),
            help=f"{key.lower()} variant (default {DEFAULTS[key]})",
            **listed,
        )
    return parser


def _demo_password() -> str:
    """16 characters within the seed's 14-20, easy to type by hand."""
    return "Demo-" + secrets.token_hex(5) + "!"


def serve(args: argparse.Namespace) -> int:
    if args.cert_days < 0:
        print("error: --cert-days must be 0 or more", file=sys.stderr)
        return 2
    config = {key: getattr(args, key.lower()) for key in VARIANT_CHOICES}
    config.update(DIGITS=int(config["DIGITS"]), PERIOD=int(config["PERIOD"]))
    if os.environ.get(TOKEN_ENV):
        config["ADMIN_TOKEN"] = os.environ[TOKEN_ENV]
    tls_days = args.cert_days if args.tls else None
    idp_server: SandboxServer | None = None
    try:
        if args.flavour == "keycloak":
            config.update(THEME=args.theme, LOCALE=args.locale)
            server, idp_server = bind_keycloak(
                config, host=args.host, port=args.port, idp_port=args.idp_port, tls_days=tls_days
            )
            app = idp_server.app  # accounts and the admin API live on the identity server
        else:
            app = create_app(config)
            server = SandboxServer(app, args.host, args.port, tls_days=tls_days)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(
            f"error: cannot listen on {args.host}:{args.port} ({error.strerror}); "
            "choose another --port (or --idp-port; 0 picks a free one)",
            file=sys.stderr,
        )
        return 2
    print(f"eEspresso sandbox: {server.url}/", flush=True)
    if idp_server is not None:
        print(f"identity server (Keycloak): {idp_server.url}/realms/{app.config['REALM']}")
    print(f"admin token: {app.config['ADMIN_TOKEN']}", flush=True)
    if server.cert_file is not None:
        print(f"certificate: {server.cert_file} (valid {args.cert_days} days)", flush=True)
    if args.demo_account:
        password = _demo_password()
        with app.test_client() as client:
            client.post(
                "/_sandbox/accounts",
                json={"cip": DEMO_CIP, "password": password},
                headers={"Authorization": f"Bearer {app.config['ADMIN_TOKEN']}"},
            )
        print(f"demo account: CIP {DEMO_CIP}  mot de passe {password}", flush=True)
    print("Ctrl-C to stop", flush=True)
    # A service manager or `make demo` stops us with SIGTERM: stop as cleanly as on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: server.stop())
    if idp_server is not None:
        idp_server.start()
    try:
        server.serve()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        if idp_server is not None:
            idp_server.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
