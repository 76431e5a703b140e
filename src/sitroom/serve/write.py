"""`POST /api/articles`: articles in (JSON record(s), an HTML page or plain text), the pipeline
run on them, the results stored. Needs the write token; one write at a time (DuckDB has one writer).

The pipeline (and so spaCy) is imported on the first write, never when the app starts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from sitroom.errors import SitroomError
from sitroom.records import Article, ArticleResult, Failure, Stage
from sitroom.serve.auth import require_write
from sitroom.serve.errors import ApiError

Processor = Callable[[list[Article | Failure]], Iterable[ArticleResult]]

router = APIRouter(prefix="/api")

_RECORD_SCHEMA = {
    "type": "object",
    "description": "one article: `text` or `html` is required",
    "properties": {
        "id": {"type": "string", "description": "your id for it (kept as its ref)"},
        "text": {"type": "string"},
        "html": {"type": "string"},
        "url": {"type": "string"},
        "title": {"type": "string"},
        "outlet": {"type": "string"},
        "published": {"type": "string", "description": "ISO date"},
        "authors": {"type": "array", "items": {"type": "string"}},
        "language": {"type": "string"},
    },
}
_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        _RECORD_SCHEMA,
                        {"type": "array", "items": _RECORD_SCHEMA},
                        {
                            "type": "object",
                            "properties": {"articles": {"type": "array", "items": _RECORD_SCHEMA}},
                        },
                    ]
                }
            },
            "text/html": {"schema": {"type": "string"}},
            "text/plain": {"schema": {"type": "string"}},
        },
    }
}


def default_processor(items: list[Article | Failure]) -> Iterable[ArticleResult]:
    from sitroom.pipeline import process_articles  # loads spaCy on first use

    return process_articles(items)


def _records(body: bytes) -> list[Any]:
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as e:
        raise ApiError(422, f"the body is not valid JSON: {e}", "E_JSON") from None
    if isinstance(doc, dict) and isinstance(doc.get("articles"), list):
        return doc["articles"]
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        return [doc]
    raise ApiError(422, 'send a JSON object, a list of objects, or {"articles": [...]}', "E_USAGE")


def _decode(body: bytes, kind: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ApiError(422, f"the {kind} body is not valid UTF-8 (byte {e.start})", "E_ENCODING") from None


def parse_body(
    body: bytes,
    content_type: str,
    *,
    published: str | None,
    url: str | None,
    max_batch: int,
    date_order: str | None = None,
) -> list[Article | Failure]:
    """The request body as articles; an item that cannot be read becomes its Failure."""
    from sitroom.ingest import from_html, from_record, from_text
    from sitroom.ingest.dates import check_date_order

    date_order = check_date_order(date_order)  # a bad one is the request's fault, not each record's

    media = content_type.split(";")[0].strip().lower()
    if not body.strip():
        raise ApiError(422, "the body is empty: send an article", "E_EMPTY")
    if media in ("application/json", ""):
        recs = _records(body)
        if not recs:
            raise ApiError(422, "no articles in the body", "E_EMPTY")
        if len(recs) > max_batch:
            raise ApiError(413, f"{len(recs)} articles in one request; at most {max_batch}", "E_TOO_LARGE")
        out: list[Article | Failure] = []
        for i, rec in enumerate(recs):
            source = f"api:{i}"
            try:
                out.append(from_record(rec, source=source, published=published, date_order=date_order))
            except SitroomError as e:
                if len(recs) == 1:
                    raise
                out.append(Failure(source=source, stage=Stage.INGEST, code=e.code, message=str(e)))
        return out
    if media in ("text/html", "application/xhtml+xml"):
        return [from_html(_decode(body, "HTML"), ref=url or "api:html", url=url, published=published)]
    if media == "text/plain":
        return [from_text(_decode(body, "text"), ref=url or "api:text", url=url, published=published)]
    raise ApiError(
        415,
        f"cannot read {media!r}: send application/json, text/html or text/plain",
        "E_MEDIA_TYPE",
    )


def _item(r: ArticleResult, known: set[str]) -> dict[str, Any]:
    a = r.article
    if a is not None and a.id in known:
        status = "known"
    elif r.failures:
        status = "failed"
    else:
        status = "new"
    return {
        "ref": a.ref if a else (r.failures[0].source if r.failures else None),
        "article_id": a.id if a else None,
        "status": status,
        "events": 0 if status == "known" else len(r.events),
        "failures": [{"stage": f.stage.value, "code": f.code, "message": f.message} for f in r.failures],
    }


def ingest_items(app_state: Any, items: list[Article | Failure]) -> dict[str, Any]:
    """Process what is new, store everything, and say per item what happened (sync: thread pool)."""
    store = app_state.store
    with app_state.write_lock:
        known = store.known_ids(a.id for a in items if isinstance(a, Article))
        todo = {a.id: a for a in items if isinstance(a, Article) and a.id not in known}
        # The pipeline may reorder (ingest failures first), so results are matched by article id.
        done = (
            {r.article.id: r for r in app_state.processor(list(todo.values())) if r.article} if todo else {}
        )
        results: list[ArticleResult] = []
        for it in items:
            if isinstance(it, Failure):
                results.append(ArticleResult(article=None, failures=(it,)))
            elif it.id in known:
                results.append(ArticleResult(article=it))
            else:
                lost = Failure(
                    source=it.source or it.ref,
                    stage=Stage.NLP,
                    code="E_NO_RESULT",
                    message="the pipeline returned no result for this article",
                    article_id=it.id,
                )
                results.append(done.get(it.id) or ArticleResult(article=it, failures=(lost,)))
        counts = store.write(r for r in results if not (r.article and r.article.id in known))
        if counts.new:
            from sitroom.link import link_articles  # new articles join stories as with `sitroom ingest`

            link_articles(store, [r.article.id for r in results if r.article and r.article.id not in known])
        app_state.cache.invalidate()  # after the commit: reads from now on see the new rows
    return {
        "articles": [_item(r, known) for r in results],
        "counts": {"new": counts.new, "known": len(known), "failed": counts.failed, "events": counts.events},
    }


@router.post(
    "/articles",
    summary="Add articles: run the pipeline on them and store the results (needs the token)",
    dependencies=[Depends(require_write)],
    openapi_extra=_BODY,
    status_code=200,
)
async def post_articles(
    request: Request,
    published: Annotated[str | None, Query(description="publication date for every article (ISO)")] = None,
    url: Annotated[
        str | None, Query(description="the page's URL (HTML or text bodies)", max_length=2000)
    ] = None,
    date_order: Annotated[
        str | None,
        Query(
            description="order of a record's numeric date (03/05/2024): MDY (default), DMY or YMD",
            max_length=8,
        ),
    ] = None,
) -> JSONResponse:
    st = request.app.state
    body = await request.body()  # the size limit applies while this streams in
    items = parse_body(
        body,
        request.headers.get("content-type", ""),
        published=published,
        url=url,
        max_batch=st.max_batch,
        date_order=date_order,
    )
    out = await run_in_threadpool(ingest_items, st, items)
    return JSONResponse({"ok": True, **out})
