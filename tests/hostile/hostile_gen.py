"""Hostile inputs made at test time: binaries, broken encodings, truncated archives and big files.

Nothing here is committed as data: binary and large files are written into a temporary folder by the
test that needs them (the small text-like hostile files live in `files/`).
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

FILES = Path(__file__).parent / "files"

GOOD = (
    "Ministers meet in Accra\n\n"
    "ACCRA, May 2, 2024 - Foreign ministers from Ghana and Togo met in Accra on Thursday to discuss "
    "border security, officials said.\n"
)
GOOD_LATIN = (
    "Ministers meet in Lomé\n\nLOMÉ, May 2, 2024 - Ministers from Togo and Benin met in Lomé on Thursday "
    "to discuss the café trade, officials said.\n"
)


def _warc(records: list[tuple[str, bytes]]) -> bytes:
    """A WARC file with one response record per (url, html), each record its own gzip member."""
    out = []
    for i, (url, html) in enumerate(records):
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
        head = (
            "WARC/1.0\r\nWARC-Type: response\r\n"
            f"WARC-Target-URI: {url}\r\nWARC-Date: 2024-05-0{i + 1}T10:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{i:012d}>\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n"
        ).encode()
        out.append(gzip.compress(head + http + b"\r\n\r\n"))
    return b"".join(out)


def _page(city: str, n: int) -> bytes:
    body = " ".join(
        f"{city.upper()}, May {n}, 2024 - Officials in {city} met aid groups on day {n} to discuss flooding, "
        "a statement said."
        for _ in range(3)
    )
    head = f"<html><head><title>Report {n}</title></head>"
    return f"{head}<body><article><p>{body}</p></article></body></html>".encode()


def small(dest: Path) -> dict[str, Path]:
    """The generated small hostile files (each well under 1 MB), by name."""
    dest.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        p = dest / name
        p.write_bytes(data)
        out[name] = p

    put(
        "fake.pdf.txt",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 4,
    )
    put("image.png.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr("article.txt", GOOD)
    put("archive.zip.txt", zbuf.getvalue())
    put("random_bytes.json", bytes((i * 7919) % 256 for i in range(4096)))
    put("utf16_bom.txt", b"\xff\xfe" + GOOD.encode("utf-16-le"))
    put("utf16_nobom.txt", GOOD.encode("utf-16-le"))
    put("utf16_bad_after_bom.txt", b"\xff\xfe" + GOOD.encode("utf-16-le")[:-3] + b"\x00\xd8")
    put("latin1.txt", GOOD_LATIN.encode("latin-1"))
    put("broken_utf8.txt", GOOD.encode() + b"\xc3\x28 and \xff\xfe more")
    put(
        "latin1_declared.html",
        (
            '<html><head><meta charset="iso-8859-1"><title>Lomé</title></head><body><article><p>'
            + GOOD_LATIN.replace("\n", " ")
            + "</p></article></body></html>"
        ).encode("latin-1"),
    )
    put(
        "latin1_undeclared.html",
        ("<html><body><article><p>" + GOOD_LATIN.replace("\n", " ") + "</p></article></body></html>").encode(
            "latin-1"
        ),
    )
    put(
        "mixed_encoding.jsonl",
        b'{"id": "m1", "text": "'
        + GOOD.replace("\n", " ").encode()
        + b'"}\n{"id": "m2", "text": "'
        + GOOD_LATIN.replace("\n", " ").encode("latin-1")
        + b'"}\n',
    )
    whole = gzip.compress(
        b"".join(
            b'{"id": "g%d", "text": "' % i + _page("Tamale", i + 1).replace(b'"', b"'") + b'"}\n'
            for i in range(40)
        )
    )
    put("truncated.jsonl.gz", whole[: len(whole) * 2 // 3])
    put("not_gzip.txt.gz", GOOD.encode())
    put("truncated.txt.gz", gzip.compress(GOOD.encode() * 50)[:60])
    warc = _warc([(f"https://example.org/{i}", _page("Kumasi", i + 1)) for i in range(3)])
    put("truncated.warc.gz", warc[: len(warc) - 40])
    put("garbage.warc", b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort")
    deep = "<div>" * 50_000 + "<p>" + GOOD.replace("\n", " ") + "</p>" + "</div>" * 50_000
    put("deep_nesting.html", f"<html><body>{deep}</body></html>".encode())
    put(
        "entity_storm.html",
        (
            "<html><body><article><p>" + "&amp;&lt;&#x41;&nbsp;" * 2_000 + "</p></article></body></html>"
        ).encode(),
    )
    return out


def big_text(path: Path, size: int = 100_000_000) -> Path:
    """A plain text file of about `size` bytes made of short English lines (written in 1 MB blocks)."""
    line = b"Officials in Accra said on Thursday that talks with Togo would go on next week.\n"
    block = line * (1_000_000 // len(line))
    with path.open("wb") as f:
        for _ in range(max(1, size // len(block))):
            f.write(block)
    return path


def single_line(path: Path, size: int = 10_000_000) -> Path:
    """One line of `size` bytes: words without a single line break."""
    words = b"talks in accra went on and on "
    path.write_bytes((words * (size // len(words) + 1))[:size])
    return path


def gzip_bomb(path: Path, size: int = 300_000_000) -> Path:
    """A small .gz that decompresses to `size` bytes of spaces and letters."""
    chunk = b"a " * 500_000
    with gzip.open(path, "wb", compresslevel=9) as g:
        for _ in range(size // len(chunk)):
            g.write(chunk)
    return path
