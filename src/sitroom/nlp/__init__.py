"""nlp: load the configured spaCy pipeline once and parse articles in batches."""

from sitroom.nlp.pipeline import load, parse

__all__ = ["load", "parse"]
