import io
import json

import pytest

from sitroom.errors import (
    E_BINARY,
    E_EMPTY,
    E_ENCODING,
    E_HTML,
    E_JSON,
    E_NOT_FOUND,
    E_RECORD,
    E_UNSUPPORTED,
    InputError,
    UsageError,
)
from sitroom.ingest import from_html, from_record, from_text, read
from sitroom.records import Article, Failure, PublishedBasis, Stage

ARTICLE = (
    "/\n\nTroops Arrive in Gao\n\nBy Jane Doe and John Roe\n\n"
    "GAO, Mali, March 12, 2024 — Foreign troops arrived in Gao on Tuesday, officials said.\n\n"
    "[Photo Credit: Example]\n\nThe deployment follows talks in Bamako.\n"
)
PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}">
<title>Troops Arrive in Gao | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2024-03-12T08:00:00+00:00">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Troops Arrive in Gao</h1>
<p>GAO, Mali (Example) — Foreign troops arrived in the northern city of Gao on Tuesday, officials said, as
the ruling junta seeks new partners after breaking with its former allies in the region.</p>
<p>Related: Mali's junta extends its transition</p>
<p>The deployment of about 200 soldiers follows talks in Bamako last month, a senior officer told reporters,
adding that more troops would come "in the coming weeks" to the {word} camp near the airport.</p>
</article><footer>Copyright Example News. All rights reserved.</footer></body></html>"""


def only(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


def write(path, data):
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return str(path)


# --- plain text ----------------------------------------------------------------------------------


def test_text_file(tmp_path):
    a = only(read([write(tmp_path / "gao.txt", ARTICLE)]))
    assert isinstance(a, Article)
    assert a.title == "Troops Arrive in Gao"  # the "/" line is skipped for the title
    assert a.authors == ("Jane Doe", "John Roe")
    assert a.published == "2024-03-12" and a.published_basis is PublishedBasis.DATELINE
    assert a.removed == ("[Photo Credit: Example]",)
    assert a.ref == a.source == str(tmp_path / "gao.txt")
    assert "Foreign troops arrived in Gao" in a.text


@pytest.mark.parametrize("name", ["story.md", "story", "story.TXT", "story.text"])
def test_text_extensions(tmp_path, name):
    assert isinstance(only(read([write(tmp_path / name, ARTICLE)])), Article)


def test_markdown_heading_title():
    a = from_text("# Troops Arrive in Gao\n\nBody text here.", ref="x")
    assert a.title == "Troops Arrive in Gao"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("GAO, Mali, March 12, 2024 — Foreign troops arrived.\n\nMore.", None),  # body first: no headline
        ("x" * 250 + "\n\nMore.", None),
        ("***\n\n---\n\nReal Headline\n\nBody.", "Real Headline"),
        ("WEDNESDAY, JULY 29, 2009\nReal Headline\nBody.", "Real Headline"),
    ],
)
def test_title_rules(text, title):
    assert from_text(text, ref="x").title == title


def test_user_published_overrides_dateline():
    a = from_text(ARTICLE, ref="x", published="2024-03-14")
    assert (a.published, a.published_basis) == ("2024-03-14", PublishedBasis.USER)


def test_bad_user_published_is_a_usage_error():
    with pytest.raises(UsageError):
        from_text(ARTICLE, ref="x", published="someday")
    with pytest.raises(UsageError):
        read(["whatever.txt"], published="someday")


@pytest.mark.parametrize("text", ["", "   \n\n ", "/\n\n***", "Advertisement\n\nShare this article"])
def test_from_text_empty_raises(text):
    with pytest.raises(InputError) as e:
        from_text(text, ref="x")
    assert e.value.code == E_EMPTY


def test_utf16_with_bom_is_text(tmp_path):
    a = only(read([write(tmp_path / "u16.txt", "\ufeffHeadline\n\nBody in UTF-16.".encode("utf-16-le"))]))
    assert isinstance(a, Article) and a.title == "Headline"


# --- bad input: each a Failure, never an exception -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.txt", b"", E_EMPTY),
        ("blank.txt", b"  \n\n\t\n", E_EMPTY),
        ("junk.txt", b"/\n\n***\n", E_EMPTY),
        ("nul.txt", b"Headline\x00\x00\x01binary", E_BINARY),
        ("ctrl.txt", bytes(range(1, 9)) * 50, E_BINARY),
        ("pdf.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", E_BINARY),
        ("latin1.txt", "Caf\u00e9 in Niamey".encode("latin-1"), E_ENCODING),
        ("empty.html", b"", E_EMPTY),
        ("nul.html", b"<html>\x00\x00</html>", E_BINARY),
        ("bad.html", "<html><body><p>Caf\u00e9</p></body></html>".encode("latin-1"), E_ENCODING),
        ("nobody.html", b"<html><head><title>x</title></head><body></body></html>", E_HTML),
        ("sheet.ods", b"a,b\n1,2\n", E_UNSUPPORTED),
        ("empty.jsonl", b"\n\n", E_EMPTY),
        ("bin.jsonl", b"\x00\x01\x02\x03" * 100, E_BINARY),
        ("bad.json", b"{not json", E_JSON),
        ("num.json", b"42", E_RECORD),
        ("nolist.json", b"[]", E_EMPTY),
    ],
)
def test_bad_file_is_a_failure(tmp_path, name, data, code):
    f = only(read([write(tmp_path / name, data)]))
    assert isinstance(f, Failure), f
    assert (f.code, f.stage, f.source) == (code, Stage.INGEST, str(tmp_path / name))
    assert f.message


def test_missing_path_and_url():
    items = list(read(["/no/such/file.txt", "ftp://example.com/story", "/no/such/*.txt"]))
    assert [(i.code, i.source) for i in items] == [
        (E_NOT_FOUND, "/no/such/file.txt"),
        (E_UNSUPPORTED, "ftp://example.com/story"),
        (E_NOT_FOUND, "/no/such/*.txt"),
    ]


def test_a_single_string_is_one_source(tmp_path):
    assert isinstance(only(read(write(tmp_path / "a.txt", ARTICLE))), Article)


def test_one_bad_file_does_not_stop_the_rest(tmp_path):
    good = write(tmp_path / "a.txt", ARTICLE)
    bad = write(tmp_path / "b.txt", b"\x00\x00")
    items = list(read([bad, "/missing.txt", good]))
    assert [type(i).__name__ for i in items] == ["Failure", "Failure", "Article"]


# --- HTML -----------------------------------------------------------------------------------------


def test_html_file(tmp_path):
    a = only(read([write(tmp_path / "gao.html", PAGE.format(charset="utf-8", word="Kidal"))]))
    assert isinstance(a, Article), a
    assert a.title == "Troops Arrive in Gao"
    assert a.outlet == "Example News"
    assert (a.published, a.published_basis) == ("2024-03-12", PublishedBasis.HTML)
    assert "Foreign troops arrived" in a.text and "about 200 soldiers" in a.text
    assert "Home" not in a.text and "Copyright" not in a.text
    assert a.removed == ("Related: Mali's junta extends its transition",)
    assert "\n\n" in a.text  # paragraphs stay apart


def test_html_declared_charset(tmp_path):
    data = PAGE.format(charset="windows-1252", word="Caf\u00e9").encode("cp1252")
    a = only(read([write(tmp_path / "latin.htm", data)]))
    assert isinstance(a, Article), a
    assert "Caf\u00e9 camp" in a.text


def test_from_html_user_date_and_url():
    a = from_html(
        PAGE.format(charset="utf-8", word="x"), ref="r", url="https://e.org/a", published="2024-03-13"
    )
    assert (a.published, a.published_basis, a.url, a.ref) == (
        "2024-03-13",
        PublishedBasis.USER,
        "https://e.org/a",
        "r",
    )


def test_from_html_nothing_raises():
    with pytest.raises(InputError) as e:
        from_html("<html><body><script>var x = 1;</script></body></html>", ref="r")
    assert e.value.code == E_HTML


# --- JSON Lines and JSON --------------------------------------------------------------------------


def rec(**kw):
    base = {"text": "Headline\n\nTroops left Gao on Monday, officials said."}
    base.update(kw)
    return json.dumps(base)


def test_jsonl_bad_lines_do_not_stop_the_rest(tmp_path):
    lines = [
        rec(id="a1", url="https://e.org/1", outlet="Wire", published="2024-05-03", title="T1"),
        "{this is not json",
        json.dumps({"id": "x", "title": "no text"}),
        "",
        json.dumps([1, 2]),
        rec(url="https://e.org/5"),
        rec(),
        rec(id=7, text="   "),
    ]
    path = write(tmp_path / "w.jsonl", "\n".join(lines) + "\n")
    items = list(read([path]))
    got = [(type(i).__name__, i.source, getattr(i, "code", None)) for i in items]
    assert got == [
        ("Article", f"{path}:1", None),
        ("Failure", f"{path}:2", E_JSON),
        ("Failure", f"{path}:3", E_RECORD),
        ("Failure", f"{path}:5", E_RECORD),
        ("Article", f"{path}:6", None),
        ("Article", f"{path}:7", None),
        ("Failure", f"{path}:8", E_RECORD),
    ]
    a1, a6, a7 = items[0], items[4], items[5]
    assert (a1.ref, a1.url, a1.outlet, a1.title) == ("a1", "https://e.org/1", "Wire", "T1")
    assert (a1.published, a1.published_basis) == ("2024-05-03", PublishedBasis.METADATA)
    assert a6.ref == "https://e.org/5"  # no id: the url
    assert a7.ref == f"{path}:7"  # neither: where it was read


def test_jsonl_bad_utf8_line(tmp_path):
    data = rec(id="ok").encode() + b"\n" + b'{"text": "caf\xe9"}\n' + rec(id="ok2").encode() + b"\n"
    items = list(read([write(tmp_path / "e.jsonl", data)]))
    assert [getattr(i, "code", "ok") for i in items] == ["ok", E_ENCODING, "ok"]


def test_jsonl_html_record():
    a = from_record(
        {"id": "h1", "html": PAGE.format(charset="utf-8", word="x"), "outlet": "Given"}, source="s:1"
    )
    assert (a.ref, a.outlet, a.title) == ("h1", "Given", "Troops Arrive in Gao")
    assert a.published_basis is PublishedBasis.HTML


def test_record_date_beats_html_and_user_beats_record():
    r = {"html": PAGE.format(charset="utf-8", word="x"), "published": "2024-03-10"}
    assert from_record(r, source="s").published == "2024-03-10"
    a = from_record(r, source="s", published="2024-03-11")
    assert (a.published, a.published_basis) == ("2024-03-11", PublishedBasis.USER)


def test_record_unreadable_date_falls_back_to_dateline():
    a = from_record({"text": ARTICLE, "published": "not a date"}, source="s")
    assert (a.published, a.published_basis) == ("2024-03-12", PublishedBasis.DATELINE)


def test_read_published_overrides_records(tmp_path):
    path = write(tmp_path / "w.jsonl", rec(published="2020-01-01") + "\n")
    a = only(read([path], published="2024-05-03"))
    assert (a.published, a.published_basis) == ("2024-05-03", PublishedBasis.USER)


def test_json_file_one_record_and_list(tmp_path):
    one = only(read([write(tmp_path / "one.json", rec(id="r1"))]))
    assert isinstance(one, Article) and one.ref == "r1"
    many = list(read([write(tmp_path / "many.json", "[" + rec(id="a") + ", 5, {}]")]))
    assert [(type(i).__name__, i.source) for i in many] == [
        ("Article", f"{tmp_path}/many.json[0]"),
        ("Failure", f"{tmp_path}/many.json[1]"),
        ("Failure", f"{tmp_path}/many.json[2]"),
    ]


# --- folders, globs, stdin ------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / ".hidden").mkdir()
    write(tmp_path / "z.txt", "Zed\n\nBody z.")
    write(tmp_path / "a.md", "Ay\n\nBody a.")
    write(tmp_path / "b" / "c.html", PAGE.format(charset="utf-8", word="c"))
    write(tmp_path / "b" / "deep" / "d.jsonl", rec(id="d1") + "\n" + rec(id="d2") + "\n")
    write(tmp_path / "b" / "notes.ods", "x,y\n")
    write(tmp_path / "b" / "README", "skip me")
    write(tmp_path / ".hidden" / "h.txt", "Hidden\n\nBody.")
    write(tmp_path / ".dot.txt", "Hidden\n\nBody.")
    return tmp_path


def test_folder_recursive_sorted_supported_only(tree):
    refs = [i.ref for i in read([str(tree)])]
    assert refs == [f"{tree}/a.md", f"{tree}/z.txt", f"{tree}/b/c.html", "d1", "d2"]


def test_glob(tree):
    assert [i.ref for i in read([f"{tree}/*.txt"])] == [f"{tree}/z.txt"]
    assert [i.ref for i in read([f"{tree}/**/*.jsonl"])] == ["d1", "d2"]
    assert [i.ref for i in read([f"{tree}/b/*"])] == [f"{tree}/b/c.html", "d1", "d2"]


def test_empty_folder_is_a_failure(tmp_path):
    (tmp_path / "e").mkdir()
    assert only(read([str(tmp_path / "e")])).code == E_NOT_FOUND


def test_stdin_text():
    a = only(read(["-"], stdin=io.StringIO(ARTICLE)))
    assert (a.ref, a.source, a.title) == ("stdin", "stdin", "Troops Arrive in Gao")


def test_stdin_jsonl():
    data = rec(id="s1") + "\n\n" + "{bad\n" + rec(id="s2") + "\n"
    items = list(read(["-"], stdin=io.StringIO(data)))
    assert [(i.source, getattr(i, "ref", None) or i.code) for i in items] == [
        ("stdin:1", "s1"),
        ("stdin:3", E_JSON),
        ("stdin:4", "s2"),
    ]


def test_stdin_html():
    a = only(read(["-"], stdin=io.StringIO(PAGE.format(charset="utf-8", word="x"))))
    assert isinstance(a, Article) and a.outlet == "Example News"


@pytest.mark.parametrize(("data", "code"), [("", E_EMPTY), ("  \n", E_EMPTY), ("x\x00y" * 5, E_BINARY)])
def test_stdin_bad(data, code):
    f = only(read(["-"], stdin=io.StringIO(data)))
    assert (f.code, f.source) == (code, "stdin")


def test_stdin_undecodable():
    stream = io.TextIOWrapper(io.BytesIO(b"caf\xe9 au lait"), encoding="utf-8")
    assert only(read(["-"], stdin=stream)).code == E_ENCODING
