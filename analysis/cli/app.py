"""The ``app`` command: start the local web app on 127.0.0.1."""

from __future__ import annotations

from .layout import add_command


def register(sub) -> None:
    p = add_command(
        sub, "app", "local web page for the staff-survey report (binds to 127.0.0.1 only)",
        "Start a one-page web app on http://127.0.0.1:PORT that runs the 'teams' report on an uploaded export. "
        "Uploads stay in a private temporary folder removed at exit.",
        "goalscope app                 then open http://127.0.0.1:8765 in a browser",
        "goalscope app --port 8080")
    p.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    p.set_defaults(func=cmd_app)


def cmd_app(args) -> int:
    from .web import serve

    return serve(args.port)
