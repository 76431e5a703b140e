"""`sitroom serve`: the HTTP API and the web UI over one store (needs the `serve` extra)."""

from __future__ import annotations

from typing import Annotated

import typer

from sitroom.cli.common import DbOpt, app, guarded, settings_for
from sitroom.errors import EnvironmentProblem


@app.command()
@guarded
def serve(
    db: DbOpt = None,
    host: Annotated[
        str, typer.Option(help="address to listen on (127.0.0.1: this machine only)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port", min=1, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="SITROOM_TOKEN", help="write token: enables POST /api/articles", show_default=False
        ),
    ] = None,
    read_token: Annotated[
        str | None,
        typer.Option(
            envvar="SITROOM_READ_TOKEN", help="make reads private: they need this token", show_default=False
        ),
    ] = None,
    tiles: Annotated[
        str | None,
        typer.Option(envvar="SITROOM_TILES", help="raster tile URL template {z}/{x}/{y} (online users only)"),
    ] = None,
) -> None:
    """Serve the HTTP API (/api, /docs) and the web map over the store."""
    try:
        import uvicorn

        from sitroom.serve import create_app
    except ImportError as e:
        raise EnvironmentProblem(
            f"`sitroom serve` needs the serve extra ({e.name} is missing): pip install 'sitroom[serve]'"
        ) from None
    path = settings_for(db).db
    application = create_app(path, token=token, read_token=read_token, tile_url=tiles)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(
        f"Sitroom: open http://{shown}:{port}/ (API docs: /docs) · store {path} · "
        f"writes {'on' if token else 'off'} · reads {'private' if read_token else 'open'}",
        err=True,
    )
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)
