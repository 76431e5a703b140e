"""Big CSV/TSV and gzipped JSON Lines files are cut into ranges for several workers: reading every
range gives exactly what reading the file whole gives (articles, refs, failures), and a file the
whole read would report on or resume in is not cut."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os

import pytest

from sitroom.batch.manifest import plan
from sitroom.batch.work import read_part
from sitroom.ingest import read
from sitroom.ingest.tabular import row_spans, text_opener

MAP = "text=body,published=date"


def _table(delimiter: str = ",", n: int = 60) -> str:
    """A table with what makes cutting hard: a BOM, quoted fields over several lines (with CRLF),
    quotes and delimiters inside fields, blank rows, a row with a missing cell, non-ASCII text."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(["id", "body", "date"])
    for i in range(n):
        if i % 11 == 5:
            buf.write("\n")  # a blank row
        if i % 13 == 7:
            w.writerow([f"r{i}", "only two cells"])
            continue
        body = f'Row {i}: police in Łódź said "{i} hurt", then\r\nmore: ' + "troops moved, " * (i % 9)
        w.writerow([f"r{i}", body, "2024-05-01"])
    return "\ufeff" + buf.getvalue()


def _write(path, text: str) -> None:
    if path.name.endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8", newline="") as g:
            g.write(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")


def _cut_read(path, target: int, mapping: str | None = MAP, index_dir=None) -> tuple[int, list]:
    m = plan([str(path)], target_bytes=target, index_dir=index_dir)
    got = [
        x for p in m.partitions for part in p.parts for x in read_part(part, published=None, mapping=mapping)
    ]
    return len(m.partitions), got


@pytest.mark.parametrize("name", ["t.csv", "t.tsv", "t.csv.gz", "t.tsv.gz"])
@pytest.mark.parametrize("target", [1, 300, 2_000])
def test_a_cut_table_reads_as_the_whole_file(tmp_path, name, target):
    path = tmp_path / name
    _write(path, _table("\t" if ".tsv" in name else ","))
    whole = list(read([str(path)], mapping=MAP))
    assert sum(type(x).__name__ == "Failure" for x in whole) >= 4  # the short rows
    n, got = _cut_read(path, target)
    assert n > 3
    assert got == whole  # same articles (ids, refs "path:LINE"), same failures, same order


def test_row_spans_start_at_rows_and_cover_the_table(tmp_path):
    path = tmp_path / "t.csv"
    _write(path, _table())
    spans = row_spans(text_opener(str(path)), 500)
    assert spans is not None and len(spans) > 3
    assert spans[0].start == 0 and spans[0].first_line == 1  # the first cut holds the header
    assert spans[-1].end_line == 0
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end_line == b.first_line and b.start > a.start
    with open(path, encoding="utf-8-sig", newline="") as f:
        for sp in spans[1:]:
            f.seek(sp.start)
            row = next(csv.reader(f))
            assert not row or row[0].startswith("r")  # a (blank) row's start, not a line inside a field
        f.seek(0)
        assert sum(sp.chars for sp in spans) == len(f.read())


def test_a_table_with_an_unterminated_quote_is_read_whole(tmp_path):
    path = tmp_path / "t.csv"
    text = _table()
    cut = text.index("r30,")
    _write(path, text[:cut] + 'r30,"never closed, ' + text[cut + 4 :])
    n, got = _cut_read(path, 300)
    assert n == 1  # the whole read resumes after the bad row: one reader must see all of it
    assert got == list(read([str(path)], mapping=MAP))
    assert any(getattr(x, "code", "") == "E_CSV" for x in got)


def test_missing_mapped_columns_fail_once_for_a_cut_file(tmp_path):
    path = tmp_path / "t.csv"
    _write(path, _table())
    whole = list(read([str(path)], mapping="text=story"))
    n, got = _cut_read(path, 300, mapping="text=story")
    assert n > 3
    assert got == whole and len(got) == 1 and got[0].code == "E_RECORD"


def _jsonl_gz(path, n: int = 50) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as g:
        g.write("\ufeff")
        for i in range(n):
            g.write(json.dumps({"text": f"Story {i}. " + "Rebels shelled the town. " * (i % 7 + 1)}) + "\n")
            if i % 10 == 3:
                g.write("not json\n\n")
            if i % 10 == 6:
                g.write('{"text": "a line cut short\n')  # its message must not depend on the cut


@pytest.mark.parametrize("target", [1, 250, 500])
def test_a_cut_jsonl_gz_reads_as_the_whole_file(tmp_path, target):
    path = tmp_path / "w.jsonl.gz"
    _jsonl_gz(path)
    whole = list(read([str(path)]))
    n, got = _cut_read(path, target, mapping=None)
    assert n > 3
    assert got == whole
    m = plan([str(path)], target_bytes=target)
    assert sum(p.size for p in m.partitions) == len(gzip.decompress(path.read_bytes()))


def test_a_broken_or_binary_jsonl_gz_is_read_whole(tmp_path):
    path = tmp_path / "w.jsonl.gz"
    _jsonl_gz(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])  # truncated: the stream ends mid-way
    n, got = _cut_read(path, 250, mapping=None)
    assert n == 1
    assert got == list(read([str(path)]))
    assert got[-1].code == "E_GZIP"
    binary = tmp_path / "b.jsonl.gz"
    binary.write_bytes(gzip.compress(bytes(range(256)) * 50))
    n, got = _cut_read(binary, 250, mapping=None)
    assert n == 1 and [x.code for x in got] == ["E_BINARY"]


def test_several_workers_share_one_gzipped_file_by_its_decompressed_size(tmp_path, monkeypatch):
    from sitroom.batch import manifest

    monkeypatch.setattr(manifest, "MIN_TARGET", 100)
    path = tmp_path / "w.jsonl.gz"
    _jsonl_gz(path, n=400)
    raw = len(gzip.decompress(path.read_bytes()))
    assert raw > 3 * path.stat().st_size  # the compressed size would cut it three times too fine
    m = plan([str(path)], workers=2)
    assert m.options["target_bytes"] == raw // (2 * manifest.PER_WORKER)
    assert 2 * manifest.PER_WORKER - 2 <= len(m.partitions) <= 2 * manifest.PER_WORKER + 2
    assert len(plan([str(path)], workers=1).partitions) == 1  # one worker: 4 MB partitions


@pytest.mark.parametrize("name", ["w.jsonl.gz", "t.csv.gz"])
def test_workers_start_a_gzipped_range_from_the_nearest_seek_point(tmp_path, name, monkeypatch):
    from sitroom.ingest import gzindex

    indexed_gzip = pytest.importorskip("indexed_gzip")
    monkeypatch.setattr(gzindex, "SPACING", 65_536)  # several seek points (zran's least is over 32 KB)
    path = tmp_path / name
    if name.endswith(".csv.gz"):
        _write(path, _table(n=1_500))
        mapping = MAP
    else:
        _jsonl_gz(path, n=1_500)
        mapping = None
    whole = list(read([str(path)], mapping=mapping))
    m = plan([str(path)], target_bytes=20_000, index_dir=tmp_path / "idx")
    index = {p.parts[0].index for p in m.partitions}
    assert len(m.partitions) > 5 and len(index) == 1 and os.path.exists(index.pop())
    _, got = _cut_read(path, 20_000, mapping=mapping, index_dir=tmp_path / "idx")
    assert got == whole
    part = m.partitions[-1].parts[0]
    with gzindex.open_gz(part.path, index=part.index) as f:
        assert isinstance(f, indexed_gzip.IndexedGzipFile)
        f.seek(part.start)
        assert f.read(50) == gzip.decompress(path.read_bytes())[part.start : part.start + 50]
    with open(part.index, "wb") as f:
        f.write(b"not an index")  # damaged: read from the file's start instead
    assert [x for p in m.partitions for x in read_part(p.parts[0], published=None, mapping=mapping)] == whole
    os.remove(part.index)  # gone (a worker on another machine): the same
    assert [x for p in m.partitions for x in read_part(p.parts[0], published=None, mapping=mapping)] == whole


def test_no_index_for_a_gzipped_file_read_whole(tmp_path):
    path = tmp_path / "w.jsonl.gz"
    _jsonl_gz(path, n=5)
    m = plan([str(path)], target_bytes=10**6, index_dir=tmp_path / "idx")
    assert len(m.partitions) == 1 and m.partitions[0].parts[0].index == ""
    assert not (tmp_path / "idx").exists()


def _array(n: int = 80) -> str:
    recs: list = []
    for i in range(n):
        if i % 17 == 9:
            recs.append(["not", "a record"])  # a failure of its own, as in the whole read
            continue
        recs.append(
            {
                "text": f'Élément {i}: troops, "shelling" ], {{ in Kharkiv. ' + "More words here. " * (i % 6),
                "published": "2024-05-01",
                "meta": {"tags": ["a,b", "]"], "n": i},
            }
        )
    return (
        "\ufeff  [\n"
        + ",\n  ".join(json.dumps(r, ensure_ascii=i % 2 == 0) for i, r in enumerate(recs))
        + "\n]\n"
    )


@pytest.mark.parametrize("name", ["a.json", "a.json.gz"])
@pytest.mark.parametrize("target", [1, 400, 3_000])
def test_a_cut_json_array_reads_as_the_whole_file(tmp_path, name, target):
    path = tmp_path / name
    _write(path, _array())
    whole = list(read([str(path)]))
    assert sum(type(x).__name__ == "Failure" for x in whole) == 5  # elements 9, 26, 43, 60, 77
    n, got = _cut_read(path, target, mapping=None, index_dir=tmp_path / "idx")
    assert n > 3
    assert got == whole  # same records "path[INDEX]", same failures, same order


@pytest.mark.parametrize("name", ["a.json", "a.json.gz"])
def test_a_json_array_over_the_whole_read_cap_is_cut_too(tmp_path, monkeypatch, name):
    """Planning walks an array a chunk at a time: no size makes it read the file whole (or refuse it)."""
    from sitroom.ingest import sources

    path = tmp_path / name
    _write(path, _array())
    whole = list(read([str(path)]))
    monkeypatch.setattr(sources, "MAX_GZ_BYTES", 1_000)  # the file is far over the cap now
    assert list(read([str(path)])) == whole  # ... and read element by element
    n, got = _cut_read(path, 3_000, mapping=None)
    assert n > 3 and got == whole


@pytest.mark.parametrize(
    "body",
    [
        '[{"text": "a"}, {"text": "b"},]',  # a trailing comma
        '[{"text": "a"}, {"text": "b"}',  # no closing bracket
        '[{"text": "a"}, {"text": "b"}] x',  # something after the array
        '[{"text": "a"} {"text": "b"}]',  # no comma
        '{"text": "one record, not an array"}',
        "[]",
    ],
)
def test_a_json_file_its_whole_read_reports_on_is_not_cut(tmp_path, body):
    path = tmp_path / "a.json"
    path.write_text(body + " " * 500, encoding="utf-8")
    n, got = _cut_read(path, 10, mapping=None)
    assert n == 1
    assert got == list(read([str(path)]))


def test_a_rerun_takes_the_earlier_cuts_of_unchanged_files(tmp_path, monkeypatch):
    """Cutting a big file reads it whole; a re-run on the same, unchanged file takes the earlier cuts."""
    from sitroom.batch import manifest

    table, lines = tmp_path / "t.csv.gz", tmp_path / "w.jsonl.gz"
    _write(table, _table(n=300))
    _jsonl_gz(lines, n=300)
    first = plan([str(tmp_path)], target_bytes=2_000, index_dir=tmp_path / "idx")
    assert sorted(first.options["cut"]) == [str(table), str(lines)]

    def scan(*_a, **_k):
        raise AssertionError("scanned again")

    monkeypatch.setattr(manifest, "_row_parts", scan)
    monkeypatch.setattr(manifest, "_line_parts", scan)
    again = plan([str(tmp_path)], target_bytes=2_000, index_dir=tmp_path / "idx", earlier=first)
    assert again.partitions == first.partitions and again.options == first.options
    monkeypatch.undo()
    os.utime(table, ns=(1, 1))  # changed: cut afresh (its partitions are new work)
    changed = plan([str(tmp_path)], target_bytes=2_000, index_dir=tmp_path / "idx", earlier=first)
    ids = {p.id for p in first.partitions}
    assert all(p.id not in ids for p in changed.partitions if p.parts[0].path == str(table))
    assert [p for p in changed.partitions if p.parts[0].path == str(lines)] == [
        p for p in first.partitions if p.parts[0].path == str(lines)
    ]
    other = plan([str(tmp_path)], target_bytes=3_000, index_dir=tmp_path / "idx", earlier=first)
    assert other.partitions != first.partitions  # another partition size: cut afresh


@pytest.mark.parametrize("name", ["semi.csv", "semi.csv.gz"])
def test_a_semicolon_table_is_read_and_cut_as_such(tmp_path, name):
    """A spreadsheet saved where the comma is the decimal mark writes ";" between cells."""
    path = tmp_path / name
    _write(path, _table(";"))
    whole = list(read([str(path)], mapping=MAP))
    articles = [x for x in whole if type(x).__name__ == "Article"]
    assert len(articles) > 50 and articles[0].published == "2024-05-01"
    n, got = _cut_read(path, 300)
    assert n > 3 and got == whole


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_table_is_read_whole(tmp_path, encoding):
    """A spreadsheet's "Unicode text": UTF-16 with a BOM, tab-separated. Read, and never cut (a cut
    would start without the BOM, two bytes a character)."""
    path = tmp_path / "u.csv"
    text = _table("\t")
    bom = "" if encoding == "utf-16" else "\ufeff"  # Python's utf-16 writes its BOM itself
    path.write_bytes((bom + text.removeprefix("\ufeff")).encode(encoding))
    whole = list(read([str(path)], mapping=MAP))
    articles = [x for x in whole if type(x).__name__ == "Article"]
    assert len(articles) > 50 and "Łódź" in articles[0].text
    n, got = _cut_read(path, 300)
    assert n == 1 and got == whole


@pytest.mark.parametrize("name", ["t.csv", "t.jsonl", "t.json"])
def test_a_cut_file_reads_numeric_dates_in_the_given_order(tmp_path, name):
    path = tmp_path / name
    recs = [
        {"body": f"Row {i}: troops moved near the border, officials said.", "date": "03/05/2024"}
        for i in range(40)
    ]
    if name.endswith(".csv"):
        buf = io.StringIO()
        w = csv.DictWriter(buf, ["body", "date"], lineterminator="\n")
        w.writeheader()
        w.writerows(recs)
        path.write_text(buf.getvalue(), encoding="utf-8")
    elif name.endswith(".jsonl"):
        path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    else:
        path.write_text(json.dumps(recs), encoding="utf-8")
    m = plan([str(path)], target_bytes=300)
    assert len(m.partitions) > 1
    got = [
        x
        for p in m.partitions
        for part in p.parts
        for x in read_part(part, published=None, mapping=MAP, date_order="DMY")
    ]
    assert len(got) == 40 and {a.published for a in got} == {"2024-05-03"}
