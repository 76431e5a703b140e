"""Helpers for the serve tests: a hostile article and a stand-in for the spaCy pipeline."""

from __future__ import annotations

import dataclasses

from sitroom.records import Evidence
from sitroom.store.synthetic import article_result, hostile_result  # noqa: F401 - shared with the tests

N_ARTICLES = 20  # × 3 events, cycling through 5 places, 5 actors, 3 types
WRITE = "write-secret"
READ = "read-secret"


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
