"""Render results, events and store info for the terminal and for files, in one of FORMATS."""

from sitroom.output.flat import CSV_COLUMNS, flat_row, result_dict
from sitroom.output.render import (
    FORMATS,
    check_format,
    render_events,
    render_failure_rows,
    render_failures,
    render_info,
    render_results,
)

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "check_format",
    "flat_row",
    "render_events",
    "render_failure_rows",
    "render_failures",
    "render_info",
    "render_results",
    "result_dict",
]
