"""The WSGI servers behind `recueil serve`: gunicorn in production, waitress where no fork.

gunicorn's pre-fork master loads the Django app once (shared copy-on-write by its
workers), restarts a worker that dies and stops them all on SIGTERM/SIGINT; a worker runs
the `gthread` class when given more than one thread (keep-alive connections, slow clients
do not hold a whole process), the plain `sync` class otherwise. Windows has no fork: there
waitress serves in one process. docs/scale.md has the measurements behind the choice.
"""

from __future__ import annotations

import os


def serve(application, host: str, port: int, *, threads: int, workers: int,
          server: str | None = None) -> None:  # fmt: skip
    """Serve `application` on host:port until SIGTERM/SIGINT.

    `server` is "gunicorn" (the default where os.fork exists) or "waitress".
    """
    server = (
        server
        or os.environ.get("RECUEIL_SERVER")
        or ("gunicorn" if hasattr(os, "fork") else "waitress")
    )
    if server == "gunicorn":
        serve_gunicorn(application, host, port, threads=threads, workers=workers)
    elif server == "waitress":
        serve_waitress(application, host, port, threads=threads, workers=workers)
    else:
        raise ValueError(f"unknown server {server!r}: gunicorn or waitress")


def gunicorn_options(host: str, port: int, *, threads: int, workers: int) -> dict:
    """The gunicorn settings of `recueil serve` (also usable from a gunicorn.conf.py)."""
    bind = f"[{host.strip('[]')}]:{port}" if ":" in host.strip("[]") else f"{host}:{port}"
    threads = max(1, threads)
    return {
        "bind": [bind],
        "workers": max(1, workers),
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "preload_app": True,  # Django, the vocabularies and caches loaded once, then forked
        "backlog": 1024,
        "timeout": 120,  # a worker stuck longer than this is killed and replaced
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "recueil",
        "pre_fork": _close_connections,
    }


def _close_connections(server, worker) -> None:
    """Each worker opens its own database connections (a socket must not be shared)."""
    from django.db import connections

    connections.close_all()


def serve_gunicorn(application, host: str, port: int, *, threads: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    options = gunicorn_options(host, port, threads=threads, workers=workers)

    class _App(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    _App().run()


def serve_waitress(application, host: str, port: int, *, threads: int, workers: int) -> None:
    """Waitress in one process (its threads share one GIL): the fallback without fork."""
    from waitress import serve as waitress_serve

    waitress_serve(application, host=host, port=port, threads=max(1, threads), ident="recueil")
