"""The `sitroom` command: thin wrappers that parse, check, and call library functions.

Exit codes: 0 ok · 1 some inputs failed (each reported) · 2 usage error · 3 environment problem.
Never imports spaCy at import time. Each command group lives in its own module, registered below.
"""

from sitroom.cli import commands  # noqa: F401  - registers run, ingest, events, db, gazetteer, ontology, eval
from sitroom.cli.common import app


def main() -> None:
    app()


__all__ = ["app", "main"]
