"""The HTTP API and the web UI over one store (FastAPI, served by uvicorn: `sitroom serve`).

Needs the `serve` extra (fastapi, uvicorn). Never imports spaCy: the write endpoint loads the
pipeline on its first request.
"""

from sitroom.serve.app import create_app

__all__ = ["create_app"]
