"""The app factory: one store, the API routers, the error envelope, limits, and the built web UI."""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from sitroom.errors import UsageError
from sitroom.serve import errors, routes, stories, write
from sitroom.serve.auth import Tokens
from sitroom.serve.cache import MAX_BYTES, ResponseCache
from sitroom.serve.limits import Limits
from sitroom.store import Store, open_store

STATIC = Path(__file__).parent / "static"  # built by `make web` from web/ (not in git)
MAX_BODY = 5_000_000  # bytes per request
MAX_BATCH = 100  # articles per POST

_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Sitroom</title>
<p>The web UI is not built. Run <code>make web</code> (needs Node.js and npm), then reload.
The API works without it: see <a href="/docs">/docs</a>.</p>"""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sitroom")
    except PackageNotFoundError:
        return "unknown"


def _tile_origin(tile_url: str | None) -> str | None:
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{", "").replace("}", ""))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"the tile URL must be http(s)://host/.../{{z}}/{{x}}/{{y}}.png, got {tile_url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def create_app(
    db_path: str | Path | Store,
    *,
    token: str | None = None,
    read_token: str | None = None,
    tile_url: str | None = None,
    max_body: int = MAX_BODY,
    max_batch: int = MAX_BATCH,
    static_dir: str | Path | None = None,
    processor: write.Processor | None = None,
    cache_bytes: int = MAX_BYTES,
) -> FastAPI:
    """The Sitroom app over the store at `db_path`, or over an open `Store` (which the caller closes).

    token: the write token; without one `POST /api/articles` is off and the store opens read-only.
    read_token: when set, reads need it (or the write token) too.
    tile_url: an optional raster tile template ({z}/{x}/{y}) the map may draw under the countries.
    processor: articles → results (default: the spaCy pipeline, imported on the first write).
    cache_bytes: memory for cached read responses (0: no cache); every write empties it.
    """
    origin = _tile_origin(tile_url)
    owned = not isinstance(db_path, Store)
    store = open_store(db_path, read_only=token is None) if owned else db_path

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        yield
        if owned:
            store.close()

    app = FastAPI(
        title="Sitroom",
        version=_version(),
        summary="Geopolitical events from news, with evidence for every field.",
        docs_url=None,  # served below from the built UI's copy of Swagger UI: works offline
        redoc_url=None,
        lifespan=lifespan,
    )
    st: Any = app.state
    st.store = store
    st.tokens = Tokens(write=token or None, read=read_token or None)
    st.tile_url = tile_url
    st.version = app.version
    st.max_batch = max_batch
    st.write_lock = threading.Lock()
    st.processor = processor or write.default_processor
    st.cache = ResponseCache(cache_bytes)

    errors.install(app)
    app.include_router(routes.router)
    app.include_router(stories.router)
    app.include_router(write.router)
    app.add_middleware(Limits, max_body=max_body, tile_origin=origin)

    static = Path(static_dir) if static_dir else STATIC
    built = (static / "index.html").is_file()

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Sitroom API",
            swagger_js_url="/vendor/swagger-ui-bundle.js",
            swagger_css_url="/vendor/swagger-ui.css",
            swagger_favicon_url="/favicon.svg",
        )

    if built:
        app.mount("/", StaticFiles(directory=static, html=True), name="ui")
    else:

        @app.get("/", include_in_schema=False)
        def not_built() -> HTMLResponse:
            return HTMLResponse(_NOT_BUILT)

    return app
