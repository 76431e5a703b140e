"""The link stage: stored articles → stories (one real-world event, many reports) with provenance
(origin, copies, rewrites, independent reports, dropped agency credits). Never imports spaCy."""

from sitroom.link.core import LinkCounts, link_articles

__all__ = ["LinkCounts", "link_articles"]
