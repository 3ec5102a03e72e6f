"""The ``learnapp`` command: Flask's CLI bound to the app factory, plus set-up commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext

from learnapp import PROJECT_ROOT, create_app
from learnapp.config import SECRET_KEY_FILE, write_secret_key
from learnapp.core.catalogues import i18n
from learnapp.core.messages import LANGUAGES, choose_cli_locale


def instance_path() -> Path:
    return Path(os.environ.get("LEARNAPP_INSTANCE_PATH") or PROJECT_ROOT / "instance")


def _cli_app():
    # The command line is the set-up tool: it creates the instance folder and its secret key
    # the first time, so `learnapp --help` and `learnapp demo` work on a fresh clone. The
    # factory itself (and so gunicorn) still refuses to start without a key.
    if not os.environ.get("LEARNAPP_SECRET_KEY"):
        key = instance_path() / SECRET_KEY_FILE
        if not key.exists():
            write_secret_key(instance_path())
            click.echo(f"created {key} (mode 0600)", err=True)
    return create_app()


@click.group(cls=FlaskGroup, create_app=_cli_app, add_version_option=False,
             help="learnapp — ambassadeurs du territoire / territory ambassadors.")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the messages: fr (default) or en; also LEARNAPP_LANG.")
def main(lang):
    choose_cli_locale(lang)


@main.command("init", help="Create instance/ with its secret key and apply migrations.")
@with_appcontext
def init_command():
    from flask import current_app
    from flask_migrate import upgrade

    from learnapp.certificates import keys
    from learnapp.db import utcnow

    upgrade()
    keys.ensure(current_app.instance_path, utcnow())  # the office's first signing key (0600)
    click.echo(f"instance ready in {instance_path()}")


@main.command("demo", help="Set up the demo (database, content, one account per role) and serve it.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare everything, then stop.")
def demo_command(host, port, no_serve):
    from flask_migrate import upgrade

    from learnapp.demo import load_demo

    app = create_app({"ENV": "development", "BASE_URL": f"http://{host}:{port}"})
    with app.app_context():
        upgrade()
        load_demo(echo=click.echo)
    if no_serve:
        return
    click.echo(f"\n  learnapp demo: http://{host}:{port}/  (Ctrl+C to stop)\n")
    # app.run() refuses to run inside a `flask`-style command; werkzeug's server is the same.
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@main.command("serve", help="Serve in production with gunicorn (gthread workers).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=lambda: (os.cpu_count() or 1) * 2, type=int,
              help="Default: two per core.")
@click.option("--threads", default=4, show_default=True, type=int)
@click.argument("gunicorn_args", nargs=-1, type=click.UNPROCESSED)
def serve_command(host, port, workers, threads, gunicorn_args):
    arguments = [
        sys.executable, "-m", "gunicorn", "learnapp.wsgi:app",
        "--bind", f"{host}:{port}", "--workers", str(workers),
        "--worker-class", "gthread", "--threads", str(threads),
        "--access-logfile", "-", *gunicorn_args,
    ]
    os.execv(sys.executable, arguments)


main.add_command(i18n)


if __name__ == "__main__":
    main()
