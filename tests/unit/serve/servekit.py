"""Helpers for the serve tests: a hostile article and a stand-in for the spaCy pipeline."""

from __future__ import annotations

import dataclasses

from sitroom.records import Evidence
from sitroom.store.synthetic import article_result

N_ARTICLES = 20  # × 3 events, cycling through 5 places, 5 actors, 3 types
WRITE = "write-secret"
READ = "read-secret"


def hostile_result():
    """An article whose title and text carry HTML/JS payloads, with one event on the first sentence."""
    base = article_result(10_000, n_events=1)
    s1 = "Protesters gathered in Niamey <script>window.__xss = 1</script> near the base."
    s2 = 'A banner read <img src=x onerror="window.__xss = 2"> and nothing more.'
    art = dataclasses.replace(
        base.article,
        id="f" * 64,
        ref="hostile",
        text=f"{s1} {s2}",
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


def fake_processor(items):
    """Stands in for the spaCy pipeline: one synthetic event per article, on its first sentence."""
    for a in items:
        ev = article_result(0, n_events=1).events[0]
        end = min(len(a.text), 40)
        yield dataclasses.replace(
            article_result(0, n_events=1),
            article=a,
            events=(
                dataclasses.replace(
                    ev,
                    id=a.id[:32],
                    article_id=a.id,
                    evidence=Evidence(
                        sentence=a.text[:end], start=0, end=end, trigger="x", trigger_start=0, trigger_end=1
                    ),
                ),
            ),
        )
