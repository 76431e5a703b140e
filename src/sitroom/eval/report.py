"""Print eval scores: a table of the headline numbers per set, or the full JSON."""

from __future__ import annotations

import json
from typing import IO, Any

_DETAIL_KEYS = {"worst", "confusion", "details", "per_class", "errors"}


def headline(scores: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """The numeric metrics of one set, nested ones as dotted keys ("fields.event_type.accuracy");
    details such as confusions and worst errors are left out."""
    out: dict[str, float] = {}
    for k, v in scores.items():
        if k in _DETAIL_KEYS:
            continue
        if isinstance(v, dict):
            out.update(headline(v, f"{prefix}{k}."))
        elif isinstance(v, int | float) and not isinstance(v, bool):
            out[f"{prefix}{k}"] = v
    return out


def render_scores(scores: dict[str, dict], fmt: str, *, file: IO[str]) -> None:
    if fmt in ("json", "jsonl"):
        file.write(json.dumps(scores, indent=2 if fmt == "json" else None, default=str) + "\n")
        return
    if fmt == "csv":
        file.write("set,metric,value\n")
        for name, sc in scores.items():
            for k, v in headline(sc).items():
                file.write(f"{name},{k},{v}\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Sitroom eval")
    for col in ("set", "metric", "value"):
        table.add_column(col)
    for name, sc in scores.items():
        for k, v in headline(sc).items():
            table.add_row(name, k, f"{v:.3f}" if isinstance(v, float) else str(v))
    Console(file=file, width=100).print(table)
