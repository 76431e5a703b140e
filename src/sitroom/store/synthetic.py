"""Made-up but well-formed ArticleResults, for tests and write/query benchmarks (no spaCy needed).

Deterministic: the same arguments give the same records, so ids and counts can be asserted.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from datetime import date, timedelta

from sitroom.errors import E_EMPTY
from sitroom.records import (
    ActorRef,
    Article,
    ArticleResult,
    Attribution,
    DatePrecision,
    Event,
    Evidence,
    Failure,
    Modality,
    PlaceRef,
    Precision,
    PublishedBasis,
    Quantity,
    Stage,
    TimeBasis,
    TimeRef,
)

# (name, ISO3, lat, lon) — real coordinates, so distance filters behave as on real data.
PLACES = (
    ("Niamey", "NER", 13.5137, 2.1098),
    ("Bamako", "MLI", 12.6392, -8.0029),
    ("Kyiv", "UKR", 50.4501, 30.5234),
    ("Khartoum", "SDN", 15.5007, 32.5599),
    ("Gaza", "PSE", 31.5017, 34.4668),
)
ACTORS = (
    ("Russian troops", "Russia", "RUS", "MIL"),
    ("U.S. forces", "United States", "USA", "MIL"),
    ("Niger's junta", "Niger", "NER", "GOV"),
    ("the United Nations", "United Nations", None, "IGO"),
    ("protesters", None, None, "CVL"),
)
TYPES = (
    ("MOBILIZE", "154", "15", 4, -7.2),
    ("CONSULT", "040", "04", 1, 1.0),
    ("ASSAULT", "190", "19", 4, -10.0),
)


def _sha(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def article_result(i: int, *, n_events: int = 3, base: date = date(2024, 5, 1)) -> ArticleResult:
    """Article number i with n_events events; each field cycles through the tables above."""
    sentences = []
    events = []
    aid = _sha(f"synthetic article {i}")
    offset = 0
    for k in range(n_events):
        j = i + k
        place = PLACES[j % len(PLACES)]
        src = ACTORS[j % len(ACTORS)]
        tgt = ACTORS[(j + 2) % len(ACTORS)]
        etype, cameo, root, quad, gold = TYPES[j % len(TYPES)]
        sent = f"{src[0].capitalize()} acted against {tgt[0]} in {place[0]} on day {k}, an official said."
        start, end = offset, offset + len(sent)
        tstart = start + len(src[0]) + 1
        day = base + timedelta(days=j % 30)
        events.append(
            Event(
                id=_sha(f"{aid}:{tstart}")[:32],
                article_id=aid,
                event_type=etype,
                cameo=cameo,
                cameo_root=root,
                quad_class=quad,
                goldstein=gold,
                evidence=Evidence(
                    sentence=sent,
                    start=start,
                    end=end,
                    trigger="acted",
                    trigger_start=tstart,
                    trigger_end=tstart + 5,
                ),
                mode="troops" if etype == "MOBILIZE" else None,
                context=("military",) if src[3] == "MIL" else (),
                source=(
                    ActorRef(
                        text=src[0], name=src[1], country=src[2], sector=src[3], kind="state", id=src[2]
                    ),
                ),
                target=(ActorRef(text=tgt[0], name=tgt[1], country=tgt[2], sector=tgt[3]),),
                location=PlaceRef(
                    text=place[0],
                    name=place[0],
                    country=place[1],
                    lat=place[2],
                    lon=place[3],
                    precision=Precision.CITY,
                    gazetteer_id=f"syn:{place[0].lower()}",
                ),
                date=TimeRef(
                    value=day.isoformat(),
                    precision=DatePrecision.DAY,
                    text=f"day {k}",
                    basis=TimeBasis.EXPLICIT,
                ),
                modality=Modality(hedged=k % 2 == 1),
                attribution=Attribution(
                    text="an official", anonymous=True, via="Agency" if k % 3 == 0 else None
                ),
                quantities={"personnel": Quantity(value=100.0 * (k + 1), text=f"about {100 * (k + 1)}")}
                if etype == "MOBILIZE"
                else {},
                confidence=0.7,
                method="synthetic.v1",
            )
        )
        sentences.append(sent)
        offset = end + 1
    text = " ".join(sentences)
    article = Article(
        id=aid,
        ref=f"syn-{i}",
        text=text,
        url=f"https://example.org/{i}",
        outlet="example.org",
        title=f"Synthetic report {i}",
        published=(base + timedelta(days=30)).isoformat(),
        published_basis=PublishedBasis.METADATA,
        removed=("READ MORE: something else",),
        source=f"synthetic:{i}",
    )
    places = tuple(e.location for e in events if e.location)
    actors = tuple(a for e in events for a in (*e.source, *e.target))
    return ArticleResult(article=article, events=tuple(events), places=places, actors=actors)


def failed_result(
    source: str, code: str = E_EMPTY, message: str = "no text after extraction"
) -> ArticleResult:
    return ArticleResult(
        article=None, failures=(Failure(source=source, stage=Stage.INGEST, code=code, message=message),)
    )


def results(n_articles: int, *, n_events: int = 3, start: int = 0) -> Iterator[ArticleResult]:
    for i in range(start, start + n_articles):
        yield article_result(i, n_events=n_events)


def hostile_result(*, paragraphs: bool = False) -> ArticleResult:
    """An article whose title and text carry HTML/JS payloads, with one event on the first sentence:
    what the API and the web page must show as text and never run. `paragraphs` puts the two
    sentences in paragraphs of their own."""
    base = article_result(10_000, n_events=1)
    s1 = "Protesters gathered in Niamey <script>window.__xss = 1</script> near the base."
    s2 = 'A banner read <img src=x onerror="window.__xss = 2"> and nothing more.'
    art = dataclasses.replace(
        base.article,
        id="f" * 64,
        ref="hostile",
        text=f"{s1}\n\n{s2}" if paragraphs else f"{s1} {s2}",
        title='<img src=x onerror="window.__xss = 3">Hostile <b>title</b>',
    )
    t = s1.index("gathered")
    ev = dataclasses.replace(
        base.events[0],
        id="e" * 32,
        article_id=art.id,
        evidence=Evidence(
            sentence=s1, start=0, end=len(s1), trigger="gathered", trigger_start=t, trigger_end=t + 8
        ),
    )
    return dataclasses.replace(base, article=art, events=(ev,))
