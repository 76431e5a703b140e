"""A JSON file holding one array of records, walked element by element in bounded memory: each
element's byte range (where batch planning may cut the file) and its value. The standard library's
`JSONDecoder.raw_decode` decodes the elements; this module only steps between them, reading the file
a chunk at a time, so a file of any size needs the memory of one chunk and one element.

A file read this way must be exactly one well-formed array (what `json.loads` would accept); where it
stops being one, `ArrayError` says at which byte, after the elements before that point were given.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

CHUNK = 4 << 20  # bytes read at a time
MAX_ELEMENT = 50_000_000  # bytes: one record larger than this is refused (an article is far smaller)
_BOM = b"\xef\xbb\xbf"
_UTF16 = (b"\xff\xfe", b"\xfe\xff")
_NOT_SPACE = re.compile(r"[^ \t\r\n]")
_NUMBER_START = frozenset("-0123456789")
_NUMBER_PART = re.compile(r"[0-9eE+\-.]*")
_decode = json.JSONDecoder().raw_decode


class ArrayError(ValueError):
    """The stream is not (or stops being) one well-formed JSON array; `at` is the byte offset."""

    def __init__(self, message: str, at: int) -> None:
        super().__init__(f"{message} (at byte {at:,})")
        self.at = at


class NotAnArray(ArrayError):
    """The stream does not start as a UTF-8 JSON array."""


def elements(
    f: BinaryIO, *, chunk: int = CHUNK, max_element: int = MAX_ELEMENT
) -> Iterator[tuple[int, int, Any]]:
    """(byte start, byte end, value) of each element of the array `f` holds, in order. A UTF-8 byte
    order mark is skipped; other encodings are refused. Raises ArrayError where the stream is not an
    array, an element is bad JSON or over `max_element` bytes, a comma is missing or trails, or text
    follows the closing bracket."""
    s = _Stream(f, chunk)
    if s.peek() != "[":
        raise NotAnArray("not a JSON array (it must start with '[')", s.byte)
    s.take(1)
    if s.peek() == "]":
        s.take(1)
        s.end()
        return
    while True:
        start = s.byte
        value = s.value(max_element)
        yield start, s.byte, value
        c = s.peek()
        if c == ",":
            s.take(1)
            if s.peek() == "]":
                raise ArrayError("a comma before the closing bracket", s.byte)
        elif c == "]":
            s.take(1)
            s.end()
            return
        else:
            why = "expected ',' or ']' after an element" if c else "the array is not closed"
            raise ArrayError(why, s.byte)


def spans(f: BinaryIO, target: int) -> list[tuple[int, int, int]]:
    """The array cut at element starts into pieces of about `target` bytes: (byte start, byte end,
    index of the piece's first element). Raises ArrayError as `elements` does."""
    out: list[tuple[int, int, int]] = []
    start, first, end = -1, 0, 0
    for k, (a, b, _) in enumerate(elements(f)):
        if start < 0:
            start = a
        elif a - start >= target:
            out.append((start, a, first))
            start, first = a, k
        end = b
    if start >= 0:
        out.append((start, end, first))
    return out


class _Stream:
    """Decoded text of `f` a chunk at a time, a position in it, and that position's byte offset."""

    def __init__(self, f: BinaryIO, chunk: int) -> None:
        self.f, self.chunk = f, chunk
        self.text, self.pos, self.byte, self.eof = "", 0, 0, False
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        head = f.read(max(chunk, len(_BOM)))
        while 0 < len(head) < len(_BOM) and (more := f.read(chunk)):
            head += more
        if head.startswith(_UTF16):
            raise NotAnArray("not UTF-8 (a UTF-16 byte order mark)", 0)
        eof = not head
        if head.startswith(_BOM):
            head, self.byte = head[len(_BOM) :], len(_BOM)
        self._add(head, eof)

    def _add(self, raw: bytes, eof: bool) -> None:
        self.eof = eof
        try:
            new = self._utf8.decode(raw, final=self.eof)
        except UnicodeDecodeError as e:
            raise ArrayError(f"not UTF-8 ({e.reason})", self.byte) from None
        self.text, self.pos = self.text[self.pos :] + new, 0  # what was read past is dropped

    def _more(self) -> bool:
        if self.eof:
            return False
        raw = self.f.read(self.chunk)
        self._add(raw, not raw)
        return True

    def take(self, n: int) -> None:
        """Step over the next `n` characters (all in the text read so far)."""
        piece = self.text[self.pos : self.pos + n]
        self.byte += len(piece) if piece.isascii() else len(piece.encode("utf-8"))
        self.pos += n

    def peek(self) -> str:
        """The next character that is not white space ("" at the end), stepping over the white space."""
        while True:
            m = _NOT_SPACE.search(self.text, self.pos)
            if m is not None:
                self.byte += m.start() - self.pos  # white space is one byte a character
                self.pos = m.start()
                return self.text[self.pos]
            self.byte += len(self.text) - self.pos
            self.pos = len(self.text)
            if not self._more():
                return ""

    def value(self, max_element: int) -> Any:
        """Decode the element at the position, reading on while it runs past the text read so far."""
        while True:
            try:
                value, end = _decode(self.text, self.pos)
            except json.JSONDecodeError as e:
                # An error well before the end of the text read is in the file, not where a chunk ends
                # (an unterminated string is reported where it starts: it may only run past the chunk)
                if e.pos < len(self.text) - 8 and not e.msg.startswith("Unterminated string"):
                    self._bad(e)
                if len(self.text) - self.pos > max_element:
                    raise ArrayError(f"an element over {max_element:,} bytes", self.byte) from None
                if not self._more():
                    self._bad(e)
                continue
            if self._may_go_on(end) and self._more():  # a number cut by the chunk's end ("-1.5" of "-1.5e3")
                continue
            self.take(end - self.pos)
            return value

    def _may_go_on(self, end: int) -> bool:
        """Whether the number decoded up to `end` could have more to it past the text read so far."""
        if self.text[self.pos] not in _NUMBER_START:
            return False
        tail = _NUMBER_PART.match(self.text, end)  # always matches (maybe nothing)
        return tail is not None and tail.end() == len(self.text)

    def _bad(self, e: json.JSONDecodeError) -> None:
        at = self.text[self.pos : e.pos]
        raise ArrayError(f"bad JSON: {e.msg}", self.byte + len(at.encode("utf-8"))) from None

    def end(self) -> None:
        if self.peek():
            raise ArrayError("text after the closing bracket", self.byte)
