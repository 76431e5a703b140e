"""Every data file the code reads at run time must ship in the wheel: setuptools only packs files that a
`package-data` pattern in pyproject.toml names (an editable install finds them all, a wheel does not)."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PKG = ROOT / "src" / "sitroom"


def _patterns() -> list[str]:
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return cfg["tool"]["setuptools"]["package-data"]["sitroom"]


def test_every_data_file_is_named_by_a_package_data_pattern() -> None:
    files = [p.relative_to(PKG).as_posix() for p in PKG.rglob("data/*") if p.is_file()]
    assert files, "no data files found: the test would pass for nothing"

    # fnmatch's '*' crosses '/', setuptools' does not: compare part by part
    def covered(rel: str) -> bool:
        parts = rel.split("/")
        return any(
            len(pat.split("/")) == len(parts) and all(map(fnmatch, parts, pat.split("/")))
            for pat in _patterns()
        )

    missing = [f for f in files if not covered(f)]
    assert not missing, f"not shipped in the wheel (add a pattern to package-data): {missing}"
