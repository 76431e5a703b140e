"""The main job: sources → ingest → nlp → extract → resolve → ArticleResult, one per input.

Every input yields a result; an input that fails at any stage yields its Failure, and the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice

from sitroom.config import Settings, load
from sitroom.records import Article, ArticleResult, Failure, Stage


def _failure(article: Article, stage: Stage, exc: Exception) -> ArticleResult:
    code = getattr(exc, "code", None) or f"E_{stage.value.upper()}"
    return ArticleResult(
        article=article,
        failures=(
            Failure(
                source=article.source or article.ref,
                stage=stage,
                code=code,
                message=f"{type(exc).__name__}: {exc}",
                article_id=article.id,
            ),
        ),
    )


def _not_english(article: Article) -> ArticleResult | None:
    """A skipped result for an article surely not in English (the models and lexicons are English)."""
    from sitroom.ingest.language import E_LANGUAGE, foreign

    got = foreign(article.text)
    if got is None:
        return None
    return ArticleResult(
        article=replace(article, language=got.language),
        failures=(
            Failure(
                source=article.source or article.ref,
                stage=Stage.INGEST,
                code=E_LANGUAGE,
                message=f"skipped: the text is in {got.language!r} (confidence {got.confidence:.2f}); "
                "Sitroom codes English articles only",
                article_id=article.id,
            ),
        ),
    )


def process_articles(
    items: Iterable[Article | Failure], settings: Settings | None = None
) -> Iterator[ArticleResult]:
    """Parse and resolve articles in batches; failures from ingest pass through as results, and
    articles not in English come back unparsed with an E_LANGUAGE failure."""
    from sitroom.extract import extract
    from sitroom.nlp import load as load_model
    from sitroom.nlp import parse
    from sitroom.resolve.events import resolve_article

    settings = settings or load()
    nlp = load_model(settings.model)
    it = iter(items)
    while batch := list(islice(it, settings.batch_size)):
        todo: list[Article] = []
        for item in batch:
            if isinstance(item, Failure):
                yield ArticleResult(article=None, failures=(item,))
            elif (skipped := _not_english(item)) is not None:
                yield skipped
            else:
                todo.append(item)
        try:
            docs = list(
                parse(
                    nlp,
                    (a.text for a in todo),
                    batch_size=settings.batch_size,
                    max_chars=settings.max_chars,
                    cascade=settings.cascade,
                )
            )
        except Exception:  # one bad text must not sink the batch: parse one by one
            docs = []
            for a in todo:
                try:
                    docs.extend(parse(nlp, [a.text], max_chars=settings.max_chars, cascade=settings.cascade))
                except Exception as e:  # noqa: BLE001 - recorded as the article's failure
                    docs.append(e)
        for article, doc in zip(todo, docs, strict=True):
            if isinstance(doc, Exception):
                yield _failure(article, Stage.NLP, doc)
                continue
            try:
                candidates = extract(doc)
            except Exception as e:  # noqa: BLE001
                yield _failure(article, Stage.EXTRACT, e)
                continue
            try:
                yield resolve_article(article, doc, candidates)
            except Exception as e:  # noqa: BLE001
                yield _failure(article, Stage.RESOLVE, e)


def run(
    sources: Iterable[str],
    *,
    published: str | None = None,
    settings: Settings | None = None,
    stdin=None,
    mapping: str | dict[str, str] | None = None,
    date_order: str | None = None,
) -> Iterator[ArticleResult]:
    """Read sources (files, folders, globs, URLs, '-') and process every article in them.
    `mapping` renames CSV/JSON columns to article fields ("text=body,published=date"); `date_order`
    ("DMY", "MDY", "YMD") orders the parts of their numeric dates."""
    from sitroom.ingest import read

    items = read(sources, published=published, stdin=stdin, mapping=mapping, date_order=date_order)
    yield from process_articles(items, settings)


def process(
    text: str,
    *,
    published: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    title: str | None = None,
    ref: str = "text",
    settings: Settings | None = None,
) -> ArticleResult:
    """Process one article text. Raises InputError for text that is not an article (e.g. empty)."""
    from sitroom.ingest import from_text

    article = from_text(text, ref=ref, published=published, url=url, outlet=outlet, title=title)
    return next(process_articles([article], settings))


@dataclass(slots=True)
class IngestCounts:
    new: int = 0
    known: int = 0
    failed: int = 0
    events: int = 0


def ingest(
    sources: Iterable[str],
    store,
    *,
    published: str | None = None,
    settings: Settings | None = None,
    stdin=None,
    on_result: Callable[[ArticleResult], None] | None = None,
    write_every: int = 256,
    mapping: str | dict[str, str] | None = None,
    date_order: str | None = None,
    items: Iterable[Article | Failure] | None = None,
    on_link: Callable[[int, int], None] | None = None,
) -> IngestCounts:
    """Process sources into the store. Articles already stored (same content hash) are not parsed
    again, so a re-run after a crash resumes where the last committed batch ended. `items` (already
    read articles and failures, e.g. new feed entries) replaces reading `sources`. `on_link(placed,
    todo)`: the link's progress, as `link_articles` gives it."""
    from sitroom.ingest import read

    counts = IngestCounts()
    seen: set[str] = set()

    def fresh(items: Iterable[Article | Failure]) -> Iterator[Article | Failure]:
        for item in items:
            if isinstance(item, Article):
                if item.id in seen or store.known_ids([item.id]):
                    counts.known += 1
                    continue
                seen.add(item.id)
            yield item

    batch: list[ArticleResult] = []

    def flush() -> None:
        written = store.write(batch)
        counts.new += written.new
        counts.events += written.events
        batch.clear()

    if items is None:
        items = read(sources, published=published, stdin=stdin, mapping=mapping, date_order=date_order)
    for res in process_articles(fresh(items), settings):
        counts.failed += bool(res.failures)
        if on_result:
            on_result(res)
        batch.append(res)
        if len(batch) >= write_every:
            flush()
    flush()
    from sitroom.link import link_articles  # stories need the stored rows, so link after the last write

    # Every stored article in no story, not only this run's: a run killed between its last write and
    # this line left articles that the re-run skips as known, and they must still get their stories.
    link_articles(store, on_batch=on_link)
    return counts
