"""The `sitroom` command: thin wrappers that parse, check, and call library functions.

Exit codes: 0 ok · 1 some inputs failed (each reported) · 2 usage error · 3 environment problem.
Never imports spaCy at import time. Each command group lives in its own module, registered below.
"""

import sitroom.cli.batch  # noqa: F401  - registers batch
import sitroom.cli.export  # noqa: F401  - registers export, watch
import sitroom.cli.serve  # noqa: F401  - registers serve
import sitroom.cli.stories  # noqa: F401  - registers stories, story, presence
from sitroom.cli import commands  # noqa: F401  - registers run, ingest, events, db, gazetteer, ontology, eval
from sitroom.cli.common import app


def main() -> None:
    app()


__all__ = ["app", "main"]
