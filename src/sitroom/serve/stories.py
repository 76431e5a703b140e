"""Stories (with their provenance tree) and force presence, from the query layer's stories and
presence modules. Until those exist, the endpoints answer 501 with a clear message."""

from __future__ import annotations

import importlib
from types import ModuleType

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from sitroom.serve.auth import require_read
from sitroom.serve.errors import ApiError

router = APIRouter(prefix="/api", dependencies=[Depends(require_read)])


def _module(name: str, what: str) -> ModuleType:
    try:
        return importlib.import_module(f"sitroom.query.{name}")
    except ModuleNotFoundError as e:
        if e.name != f"sitroom.query.{name}":
            raise
        raise ApiError(
            501,
            f"{what} are not available in this version of Sitroom (no sitroom.query.{name})",
            "E_NOT_IMPLEMENTED",
        ) from None


@router.get("/stories", summary="Stories: reports of one real-world event across outlets")
def list_stories(request: Request) -> JSONResponse:
    _module("stories", "stories")
    raise ApiError(501, "stories are not wired to the API yet", "E_NOT_IMPLEMENTED")


@router.get("/stories/{story_id}", summary="One story with its provenance tree")
def get_story(request: Request, story_id: str) -> JSONResponse:
    _module("stories", "stories")
    raise ApiError(501, "stories are not wired to the API yet", "E_NOT_IMPLEMENTED")


@router.get("/presence", summary="Foreign force presence intervals")
def list_presence(request: Request) -> JSONResponse:
    _module("presence", "presence intervals")
    raise ApiError(501, "presence is not wired to the API yet", "E_NOT_IMPLEMENTED")


@router.get("/presence.geojson", summary="Foreign force presence as GeoJSON (force → host links)")
def presence_geojson(request: Request) -> JSONResponse:
    _module("presence", "presence intervals")
    raise ApiError(501, "presence is not wired to the API yet", "E_NOT_IMPLEMENTED")
