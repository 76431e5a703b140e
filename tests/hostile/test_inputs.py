"""Hostile inputs: every file gives its good records and a Failure with a clear code for the rest, in
bounded time, and never an exception. The CLI run over the whole corpus stores every good record and
exits 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import hostile_gen
import pytest

from sitroom.ingest import read
from sitroom.ingest.build import MAX_TEXT_CHARS
from sitroom.ingest.language import detect, foreign
from sitroom.ingest.sources import MAX_FILE_BYTES
from sitroom.records import Article, Failure

FILES = hostile_gen.FILES
PER_FILE_SECONDS = 5.0

# name → (articles read, failure codes). Articles here are what ingest reads; language skips come later.
EXPECTED: dict[str, tuple[int, Counter]] = {
    "bad_quoting.csv": (1, Counter({"E_CSV": 1, "E_RECORD": 1})),
    "bad_quoting_late.csv": (3, Counter()),
    "billion_laughs.xml": (0, Counter({"E_FEED": 1})),
    "broken.jsonl": (5, Counter({"E_JSON": 1, "E_RECORD": 8, "E_HTML": 1})),
    "broken_feed.xml": (1, Counter({"E_FEED": 1, "E_EMPTY": 1})),  # the entry cut off by the break: reported
    "dates_future_and_1900.txt": (1, Counter()),
    "empty.txt": (0, Counter({"E_EMPTY": 1})),
    "empty_list.json": (0, Counter({"E_EMPTY": 1})),
    "good_article.txt": (1, Counter()),
    "html_no_article.html": (0, Counter({"E_HTML": 1})),
    "html_scripts_iframes.html": (1, Counter()),
    "lang_arabic.txt": (1, Counter()),
    "lang_french.txt": (1, Counter()),
    "lang_german.txt": (1, Counter()),
    "lang_russian.txt": (1, Counter()),
    "lang_spanish.txt": (1, Counter()),
    "mixed_list.json": (1, Counter({"E_RECORD": 3})),
    "not_a_feed.xml": (0, Counter({"E_FEED": 1})),
    "not_json.json": (0, Counter({"E_JSON": 1})),
    "numbers_huge.txt": (1, Counter()),
    "punctuation_only.txt": (0, Counter({"E_EMPTY": 1})),
    "scalar.json": (0, Counter({"E_RECORD": 1})),
    "whitespace_only.txt": (0, Counter({"E_EMPTY": 1})),
    # generated
    "archive.zip.txt": (0, Counter({"E_BINARY": 1})),
    "broken_utf8.txt": (0, Counter({"E_ENCODING": 1})),
    "deep_nesting.html": (0, Counter({"E_HTML": 1})),
    "entity_storm.html": (1, Counter()),
    "fake.pdf.txt": (0, Counter({"E_BINARY": 1})),
    "garbage.warc": (0, Counter({"E_WARC": 1})),
    "image.png.html": (0, Counter({"E_BINARY": 1})),
    "latin1.txt": (0, Counter({"E_ENCODING": 1})),
    "latin1_declared.html": (1, Counter()),
    "latin1_undeclared.html": (0, Counter({"E_ENCODING": 1})),
    "mixed_encoding.jsonl": (1, Counter({"E_ENCODING": 1})),
    "not_gzip.txt.gz": (0, Counter({"E_GZIP": 1})),
    "random_bytes.json": (0, Counter({"E_BINARY": 1})),
    "truncated.jsonl.gz": (-1, Counter({"E_GZIP": 1})),  # -1: some lines, however many the cut kept
    "truncated.txt.gz": (0, Counter({"E_GZIP": 1})),
    "truncated.warc.gz": (2, Counter({"E_WARC": 1})),
    "utf16_bad_after_bom.txt": (0, Counter({"E_ENCODING": 1})),
    "utf16_bom.txt": (1, Counter()),
    "utf16_nobom.txt": (0, Counter({"E_BINARY": 1})),
}
FOREIGN = {
    "lang_arabic.txt": "ar",
    "lang_french.txt": "fr",
    "lang_german.txt": "de",
    "lang_russian.txt": "ru",
    "lang_spanish.txt": "es",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    gen = hostile_gen.small(tmp_path_factory.mktemp("hostile"))
    return {p.name: p for p in FILES.iterdir()} | gen


def test_the_table_covers_the_corpus(corpus):
    assert set(corpus) == set(EXPECTED)


def test_committed_hostile_files_stay_small():
    sizes = [p.stat().st_size for p in FILES.iterdir()]
    assert max(sizes) < 50_000 and sum(sizes) < 500_000


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_gives_records_and_failures(corpus, name):
    want_articles, want_codes = EXPECTED[name]
    t0 = time.perf_counter()
    items = list(read([str(corpus[name])]))
    elapsed = time.perf_counter() - t0
    arts = [i for i in items if isinstance(i, Article)]
    fails = [i for i in items if isinstance(i, Failure)]
    assert elapsed < PER_FILE_SECONDS
    assert Counter(f.code for f in fails) == want_codes, [(f.code, f.message) for f in fails]
    if want_articles >= 0:
        assert len(arts) == want_articles
    else:
        assert arts
    for f in fails:  # a clear message that names the input
        assert f.message and str(corpus[name].name) in f.message + f.source
    for a in arts:
        assert a.text.strip() and len(a.id) == 64


@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_non_english_is_detected(corpus, name):
    text = next(i for i in read([str(corpus[name])]) if isinstance(i, Article)).text
    got = foreign(text)
    assert got is not None and got.language == FOREIGN[name]


@pytest.mark.parametrize(
    "name", ["good_article.txt", "numbers_huge.txt", "dates_future_and_1900.txt", "html_scripts_iframes.html"]
)
def test_english_is_not_skipped(corpus, name):
    text = next(i for i in read([str(corpus[name])]) if isinstance(i, Article)).text
    assert foreign(text) is None


@pytest.mark.parametrize(
    "text", ["", "Niamey", "1,000,000,000 troops", "Putin Macron Niamey Bamako", "@@@ ###"]
)
def test_too_little_text_is_never_skipped(text):
    assert foreign(text) is None
    assert detect(text).sure is False


def test_text_over_the_article_cap_is_refused_fast(tmp_path):
    path = hostile_gen.single_line(tmp_path / "line.txt", MAX_TEXT_CHARS + 10)
    t0 = time.perf_counter()
    (item,) = read([str(path)])
    assert time.perf_counter() - t0 < 2
    assert isinstance(item, Failure) and item.code == "E_TOO_LARGE" and "at most" in item.message


def test_jsonl_line_over_the_cap_is_one_failure(tmp_path):
    path = tmp_path / "big.jsonl"
    good = {"id": "ok", "text": hostile_gen.GOOD}
    big = {"id": "big", "text": "word " * (MAX_TEXT_CHARS // 4)}
    path.write_text("\n".join(json.dumps(r) for r in (good, big, good | {"id": "ok2"})) + "\n")
    items = list(read([str(path)]))
    assert [type(i).__name__ for i in items] == ["Article", "Failure", "Article"]
    assert items[1].code == "E_TOO_LARGE" and items[1].source.endswith(":2")


@pytest.mark.slow
def test_100mb_text_file_is_refused_unread(tmp_path):
    path = hostile_gen.big_text(tmp_path / "huge.txt", 100_000_000)
    assert path.stat().st_size > MAX_FILE_BYTES
    t0 = time.perf_counter()
    (item,) = read([str(path)])
    assert time.perf_counter() - t0 < 1
    assert item.code == "E_TOO_LARGE"


@pytest.mark.slow
def test_10mb_single_line_is_a_failure(tmp_path):
    path = hostile_gen.single_line(tmp_path / "line.txt", 10_000_000)
    t0 = time.perf_counter()
    (item,) = read([str(path)])
    assert time.perf_counter() - t0 < 5
    assert item.code == "E_TOO_LARGE"


@pytest.mark.slow
def test_gzip_bomb_is_refused(tmp_path):
    path = hostile_gen.gzip_bomb(tmp_path / "bomb.txt.gz")
    assert path.stat().st_size < 2_000_000
    (item,) = read([str(path)])
    assert item.code == "E_GZIP" and "refused" in item.message


@pytest.mark.slow
def test_long_single_line_is_parsed_in_chunks(nlp):
    """spaCy's max_length is never hit: a long line without breaks is cut, and offsets still hold."""
    from sitroom.nlp import parse

    text = " ".join(f"Officials in Accra said talks with Togo went on for day {i}." for i in range(400))
    t0 = time.perf_counter()
    (doc,) = parse(nlp, [text], max_chars=3_000)
    assert time.perf_counter() - t0 < 60
    assert doc.text == text
    assert all(text[t.idx : t.idx + len(t.text)] == t.text for t in doc)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SITROOM_ALLOW_PRIVATE_URLS": "0"}
    return subprocess.run(
        [str(Path(sys.executable).parent / "sitroom"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_cli_ingest_of_the_whole_corpus(corpus, tmp_path):
    """One `sitroom ingest` over every hostile file: exit 1, every good record stored, one failure row
    per bad input, the non-English articles skipped with E_LANGUAGE."""
    import duckdb

    folder = tmp_path / "in"
    folder.mkdir()
    for name, path in corpus.items():
        (folder / name.replace(".zip.txt", ".txt")).write_bytes(path.read_bytes())
    db = tmp_path / "h.duckdb"
    t0 = time.perf_counter()
    got = _cli("ingest", str(folder), "--db", str(db), cwd=tmp_path)
    elapsed = time.perf_counter() - t0
    assert got.returncode == 1, got.stderr[-2000:]
    con = duckdb.connect(str(db), read_only=True)
    try:
        n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        codes = Counter(dict(con.execute("SELECT code, count(*) FROM failures GROUP BY 1").fetchall()))
        langs = dict(con.execute("SELECT source, language FROM articles WHERE language <> 'en'").fetchall())
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        con.close()
    read_articles = sum(1 for p in sorted(folder.iterdir()) for i in read([str(p)]) if isinstance(i, Article))
    want = Counter()
    for _, codes_ in EXPECTED.values():
        want.update(codes_)
    want["E_LANGUAGE"] = len(FOREIGN)
    assert codes == want
    assert n_articles == read_articles  # none lost: every article read is stored (skipped ones too)
    assert sorted(langs.values()) == sorted(FOREIGN.values())
    assert events > 0
    print(
        f"hostile corpus: {len(corpus)} files, {n_articles} articles, {sum(codes.values())} failures, "
        f"{events} events in {elapsed:.1f} s"
    )
