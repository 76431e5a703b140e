"""CSV / TSV / JSONL with a column mapping, bad rows, and gzip of every supported type."""

from __future__ import annotations

import gzip
import json

import pytest

from sitroom.errors import UsageError
from sitroom.ingest import read
from sitroom.ingest.tabular import E_CSV, parse_mapping, remap
from sitroom.records import Article, Failure, PublishedBasis

BODY = "Russian troops entered Airbase 101 in Niamey on Thursday, officials said."


@pytest.mark.parametrize(
    ("spec", "want"),
    [
        ("text=body", {"text": "body"}),
        (" text = body , published=date,url=link,title=headline,outlet=source,id=uid ",
         {"text": "body", "published": "date", "url": "link", "title": "headline", "outlet": "source",
          "id": "uid"}),
        ("TEXT=Body Text", {"text": "Body Text"}),
        ("", {}),
        (None, {}),
        ({"html": "page"}, {"html": "page"}),
    ],
)  # fmt: skip
def test_parse_mapping(spec, want):
    assert parse_mapping(spec) == want


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("text", "FIELD=COLUMN"),
        ("body=text", "unknown field"),
        ("text=", "no column"),
        ("text=a,text=b", "twice"),
    ],
)
def test_bad_mapping_is_a_usage_error(spec, words):
    with pytest.raises(UsageError, match=words):
        parse_mapping(spec)


def test_remap_mapped_column_wins():
    assert remap({"body": "B", "text": "old", "x": 1}, {"text": "body"}) == {"text": "B", "x": 1}


def write(path, text: str, gz: bool = False) -> str:
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return str(path)


CSV = (
    "uid,headline,body,date,link,source\n"
    f'a1,Troops arrive,"{BODY}",2024-05-03,https://news.example/a1,Example Wire\n'
    f'a2,Second,"Line one, with a comma.\n\nLine two: {BODY}",May 4 2024,'
    "https://news.example/a2,Example Wire\n"
)
MAP = "text=body,published=date,url=link,title=headline,outlet=source,id=uid"


@pytest.mark.parametrize("gz", [False, True])
def test_csv_with_mapping(tmp_path, gz):
    path = write(tmp_path / ("news.csv.gz" if gz else "news.csv"), CSV, gz)
    items = list(read([path], mapping=MAP))
    assert all(isinstance(i, Article) for i in items), items
    a, b = items
    assert (a.ref, a.title, a.url, a.outlet) == (
        "a1",
        "Troops arrive",
        "https://news.example/a1",
        "Example Wire",
    )
    assert (a.published, a.published_basis) == ("2024-05-03", PublishedBasis.METADATA)
    assert b.published == "2024-05-04" and "Line one, with a comma.\n\nLine two" in b.text
    assert (a.source, b.source) == (f"{path}:2", f"{path}:3")


def test_tsv_and_default_column_names(tmp_path):
    path = write(tmp_path / "n.tsv", f"id\ttext\nt1\t{BODY}\n")
    (a,) = list(read([path]))
    assert isinstance(a, Article) and a.ref == "t1"


def test_bad_rows_are_failures_and_the_rest_are_read(tmp_path):
    text = (
        "id,text\n"
        f'r1,"{BODY}"\n'
        f'r2,"bad"quote {BODY}\n'
        f"r3,{BODY.replace(',', '')}\n"
        "r4,too,many,cells\n"
        "r5,\n"
        f'r6,"unterminated {BODY}\n'
        f"r7,{BODY.replace(',', '')}\n"
    )
    path = write(tmp_path / "bad.csv", text)
    items = list(read([path]))
    got = [(i.ref if isinstance(i, Article) else (i.code, i.source.rsplit(":", 1)[1])) for i in items]
    assert got == ["r1", (E_CSV, "3"), "r3", (E_CSV, "5"), ("E_RECORD", "6"), (E_CSV, "7"), "r7"]


def test_missing_mapped_column_is_one_failure(tmp_path):
    path = write(tmp_path / "m.csv", f"id,content\n1,{BODY}\n")
    (f,) = list(read([path], mapping="text=body"))
    assert isinstance(f, Failure) and f.code == "E_RECORD" and "body" in f.message


@pytest.mark.parametrize(("name", "text"), [("e.csv", ""), ("h.csv", "id,text\n")])
def test_empty_csv(tmp_path, name, text):
    (f,) = list(read([write(tmp_path / name, text)]))
    assert isinstance(f, Failure) and f.code == "E_EMPTY"


def test_jsonl_gz_with_mapping(tmp_path):
    lines = [json.dumps({"uid": "j1", "body": BODY, "date": "2024-05-03"}), "{broken", ""]
    path = write(tmp_path / "n.jsonl.gz", "\n".join(lines), gz=True)
    items = list(read([path], mapping="text=body,id=uid,published=date"))
    assert isinstance(items[0], Article) and (items[0].ref, items[0].published) == ("j1", "2024-05-03")
    assert isinstance(items[1], Failure) and items[1].code == "E_JSON" and items[1].source == f"{path}:2"


@pytest.mark.parametrize("name", ["a.txt.gz", "a.html.gz", "a.json.gz", "a.csv.gz", "a.jsonl.gz"])
def test_gz_garbage_is_a_failure(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x1f\x8b\x08\x00this is not deflate data at all")
    items = list(read([str(path)]))
    assert len(items) == 1 and isinstance(items[0], Failure), items
    assert items[0].code in ("E_GZIP", "E_READ")


def test_plain_gz_text_and_html(tmp_path):
    t = write(tmp_path / "a.txt.gz", f"Headline\n\n{BODY}", gz=True)
    j = write(tmp_path / "r.json.gz", json.dumps({"id": "x", "body": BODY}), gz=True)
    a, b = list(read([t, j], mapping="text=body"))
    assert isinstance(a, Article) and a.title == "Headline"
    assert isinstance(b, Article) and b.ref == "x"


def test_gz_files_found_in_folders(tmp_path):
    write(tmp_path / "a.txt.gz", f"Headline\n\n{BODY}", gz=True)
    write(tmp_path / "skip.bin.gz", "x", gz=True)
    assert [i.ref for i in read([str(tmp_path)])] == [str(tmp_path / "a.txt.gz")]


def test_a_json_record_without_the_mapped_column_says_so(tmp_path):
    # The failure listed the fields after --map ("fields: ['id']"), hiding the record's own "text".
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "x", "text": BODY}) + "\n")
    (f,) = list(read([str(path)], mapping="text=body"))
    assert isinstance(f, Failure) and f.code == "E_RECORD"
    assert "--map names column(s) ['body'] not in this record" in f.message


@pytest.mark.parametrize(
    ("head", "want"),
    [
        ("id,text,date\n", ","),
        ("id;text;date\n", ";"),
        ('"id";"text, in full";"date"\n', ";"),
        ("id\ttext\n", "\t"),
        ("id|text|date\n", "|"),
        ("id,text;notes\n", ","),  # a tie keeps the comma
        ("text\n", ","),
        ("", ","),
    ],
)
def test_a_csv_delimiter_is_read_off_its_header(tmp_path, head, want):
    from sitroom.ingest.tabular import delimiter_for, text_opener

    path = tmp_path / "t.csv"
    path.write_text(head + "x\n", encoding="utf-8")
    assert delimiter_for(".csv", text_opener(str(path))) == want
    assert delimiter_for(".tsv", text_opener(str(path))) == "\t"  # a .tsv is tab-separated, as named


@pytest.mark.parametrize("gz", [False, True])
def test_date_order_reads_numeric_dates_of_every_record_format(tmp_path, gz):
    """03/05/2024 in a CSV, a JSONL and a JSON file: 3 May with DMY, 5 March without it."""
    suffix = ".gz" if gz else ""
    files = {
        f"t.csv{suffix}": f'body,date\n"{BODY}",03/05/2024\n',
        f"t.jsonl{suffix}": json.dumps({"body": BODY, "date": "03/05/2024"}) + "\n",
        f"t.json{suffix}": json.dumps([{"body": BODY, "date": "03/05/2024"}]),
    }
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        if gz:
            path.write_bytes(gzip.compress(text.encode()))
        else:
            path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    for order, want in (("DMY", "2024-05-03"), (None, "2024-03-05")):
        got = list(read(paths, mapping="text=body,published=date", date_order=order))
        assert [type(a) for a in got] == [Article] * 3, got
        assert {a.published for a in got} == {want}
        assert {a.published_basis for a in got} == {PublishedBasis.METADATA}


def test_date_order_reaches_json_lines_on_stdin():
    import io

    line = json.dumps({"text": BODY, "published": "03/05/2024"}) + "\n"
    (got,) = list(read(["-"], stdin=io.StringIO(line), date_order="dmy"))
    assert got.published == "2024-05-03"


def test_a_bad_date_order_stops_read_before_anything_is_read(tmp_path):
    with pytest.raises(UsageError, match="--date-order"):
        read([str(tmp_path / "absent.csv")], date_order="European")
