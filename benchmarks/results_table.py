"""Rows that `make bench` adds to BENCHMARKS.md: each benchmark keeps one results table, found by its
header line wherever it stands in the file (other tables and text after it stay as they are); a file
without that table gets it in a new section at the end."""

from __future__ import annotations

from pathlib import Path


def add_row(path: Path, head: str, row: str, section: str) -> None:
    """Append `row` (one Markdown table line) to the last table headed `head` in `path`; with no such
    table, append `section` (a heading and its prose) and a new table holding the row."""
    row = row.rstrip("\n") + "\n"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.splitlines(keepends=True)
    heads = [i for i, line in enumerate(lines) if line.rstrip("\n") == head]
    if heads:
        end = heads[-1]
        while end + 1 < len(lines) and lines[end + 1].startswith("|"):
            end += 1
        lines[end] = lines[end].rstrip("\n") + "\n"
        lines.insert(end + 1, row)
        path.write_text("".join(lines), encoding="utf-8")
        return
    sep = "|" + "---|" * (head.count("|") - 1)
    lead = text.rstrip("\n") + "\n\n" if text.strip() else ""
    path.write_text(f"{lead}{section.strip()}\n\n{head}\n{sep}\n{row}", encoding="utf-8")
