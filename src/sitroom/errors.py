"""One exception tree with stable codes. Library code raises; batch code records a Failure."""

from __future__ import annotations


class SitroomError(Exception):
    """Base of every Sitroom error. `code` is stable; the message says what to do."""

    code = "E_SITROOM"
    exit_code = 1

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class InputError(SitroomError):
    """An input could not be read or is not an article (empty, binary, bad encoding, bad JSON)."""

    code = "E_INPUT"


class UsageError(SitroomError):
    """The caller asked for something that does not exist (bad option value, unknown format)."""

    code = "E_USAGE"
    exit_code = 2


class EnvironmentProblem(SitroomError):
    """Something outside Sitroom is missing: a model, a package, a writable cache dir."""

    code = "E_ENV"
    exit_code = 3


class ModelNotInstalled(EnvironmentProblem):
    code = "E_MODEL"


class StoreError(SitroomError):
    code = "E_STORE"

    # The store cannot be used as asked (locked by a writer, read-only, bad path, outdated or newer
    # schema): the environment, not the input, is at fault.
    ENVIRONMENT_CODES = frozenset(
        {"E_STORE_LOCKED", "E_STORE_READONLY", "E_STORE_PATH", "E_STORE_OUTDATED", "E_STORE_NEWER"}
    )

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message, code=code)
        if self.code in self.ENVIRONMENT_CODES:
            self.exit_code = 3
        elif self.code == "E_STORE_MISSING":  # a --db path to read that names no database: the user's to fix
            self.exit_code = 2


class RegistryError(UsageError):
    code = "E_REGISTRY"


# Stable failure codes recorded for inputs (Failure.code).
E_EMPTY = "E_EMPTY"  # no text after extraction
E_BINARY = "E_BINARY"  # looks like binary data
E_ENCODING = "E_ENCODING"  # not valid UTF-8 (and not decodable by a declared charset)
E_JSON = "E_JSON"  # a JSONL line / JSON file that does not parse
E_RECORD = "E_RECORD"  # a JSON record without text or html
E_NOT_FOUND = "E_NOT_FOUND"  # path does not exist
E_READ = "E_READ"  # OS error reading
E_HTML = "E_HTML"  # HTML extraction gave nothing
E_UNSUPPORTED = "E_UNSUPPORTED"  # unknown file type
E_NLP = "E_NLP"  # the NLP stage failed on this article
E_EXTRACT = "E_EXTRACT"
E_RESOLVE = "E_RESOLVE"
