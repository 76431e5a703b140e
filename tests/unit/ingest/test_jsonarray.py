"""A JSON array walked element by element (`jsonarray`): the values `json.loads` gives, byte ranges that
hold exactly each element, whatever the chunk size; and errors where `json.loads` would fail, given
after the elements before them. A JSON file over the whole-read cap is read this way."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.ingest import read, sources
from sitroom.ingest.jsonarray import ArrayError, NotAnArray, elements, spans

HARD = (
    '\ufeff \n[ {"text": "Élément ] , { \\" troops", "n": [1, {"a": "]"}]}, 12345, -1.5e3, true,'
    ' false, null, "日本語", [], {}, "\\u00e9\\ud83d\\ude00" ,\t0 ]\n'
)


def _walk(text: str, chunk: int, **kw) -> list[tuple[int, int, object]]:
    return list(elements(io.BytesIO(text.encode("utf-8")), chunk=chunk, **kw))


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_values_and_byte_ranges_whatever_the_chunk(chunk):
    data = HARD.encode("utf-8")
    got = _walk(HARD, chunk)
    assert [v for _, _, v in got] == json.loads(HARD.removeprefix("\ufeff"))
    for a, b, v in got:  # each range holds exactly its element
        assert json.loads(data[a:b].decode("utf-8")) == v
        assert data[a:b] == data[a:b].strip()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(json_values, max_size=8),
    st.sampled_from(["", " ", "\n", "\t ", "\r\n  "]),
    st.booleans(),
    st.integers(min_value=1, max_value=40),
)
def test_any_array_as_json_loads_reads_it(values, space, ascii_only, chunk):
    text = (
        "[" + space + ("," + space).join(json.dumps(v, ensure_ascii=ascii_only) for v in values) + space + "]"
    )
    data = text.encode("utf-8")
    got = _walk(text, chunk)
    assert [v for _, _, v in got] == json.loads(text)
    assert [json.loads(data[a:b]) for a, b, _ in got] == json.loads(text)


@pytest.mark.parametrize(
    ("text", "before", "what"),
    [
        ('{"text": "a record, not an array"}', 0, "not a JSON array"),
        ("", 0, "not a JSON array"),
        ("[1, 2,]", 2, "a comma before the closing bracket"),
        ("[1, 2 3]", 2, "expected ',' or ']'"),
        ("[1, 2", 2, "the array is not closed"),
        ("[1, 2] x", 2, "text after the closing bracket"),
        ('[1, {"a": x}, 3]', 1, "bad JSON"),
        ('[1, "unterminated', 1, "bad JSON: Unterminated string"),
        ("[1, tru]", 1, "bad JSON"),
    ],
)
@pytest.mark.parametrize("chunk", [1, 4, 1 << 20])
def test_where_it_stops_being_an_array(text, before, what, chunk):
    got = []
    with pytest.raises(ArrayError, match=what.replace("(", r"\(")) as e:
        for item in elements(io.BytesIO(text.encode()), chunk=chunk):
            got.append(item)
    assert len(got) == before
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    assert not isinstance(whole, list)  # no array for the whole read either
    assert 0 <= e.value.at <= len(text)


def test_the_error_names_its_byte():
    text = '[1, "é", {"a": x}]'
    with pytest.raises(ArrayError) as e:
        list(elements(io.BytesIO(text.encode())))
    assert e.value.at == text.encode().index(b"x")


def test_an_error_early_in_a_big_read_is_told_at_once():
    """A bad element is reported where it is, not read on until the element limit."""
    text = '[1, {"a": x}, ' + "2, " * 5_000 + "3]"
    with pytest.raises(ArrayError, match="bad JSON") as e:
        list(elements(io.BytesIO(text.encode()), chunk=1 << 20, max_element=1_000))
    assert e.value.at == text.index("x")


def test_an_element_over_the_limit_is_refused():
    text = '[{"text": "' + "w" * 5_000 + '"}, 1]'
    with pytest.raises(ArrayError, match="an element over 1,000 bytes"):
        list(elements(io.BytesIO(text.encode()), chunk=100, max_element=1_000))


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ('[{"text": "a"}]'.encode("utf-16"), NotAnArray),
        (b'[{"text": "\xff\xfe"}]', ArrayError),
    ],
)
def test_other_encodings_are_refused(data, error):
    with pytest.raises(error, match="not UTF-8"):
        list(elements(io.BytesIO(data), chunk=3))


def test_spans_cut_at_element_starts():
    text = "[" + ", ".join(json.dumps({"text": f"element {i} " * (i % 5 + 1)}) for i in range(40)) + "]"
    data = text.encode()
    cuts = spans(io.BytesIO(data), 200)
    assert len(cuts) > 3
    assert [k for _, _, k in cuts][0] == 0
    got = []
    for a, b, k in cuts:
        piece = json.loads("[" + data[a:b].decode().strip().rstrip(",") + "]")
        assert piece[0] == json.loads(text)[k]
        got += piece
    assert got == json.loads(text)


def _records(n: int) -> str:
    recs = [
        {"text": f"Troops moved near Kharkiv on day {i}. " * 3, "published": "2024-05-01"} for i in range(n)
    ]
    recs[7] = ["not", "a record"]  # a failure of its own, as in the whole read
    return json.dumps(recs, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("name", ["big.json", "big.json.gz"])
def test_a_json_file_over_the_cap_reads_as_one_under_it(tmp_path, monkeypatch, name):
    path = tmp_path / name
    body = _records(30).encode()
    path.write_bytes(gzip.compress(body) if name.endswith(".gz") else body)
    whole = list(read([str(path)]))
    monkeypatch.setattr(sources, "MAX_GZ_BYTES", 500)
    assert list(read([str(path)])) == whole
    assert sum(type(x).__name__ == "Article" for x in whole) == 29


def test_a_bad_json_file_over_the_cap_keeps_the_records_before_the_error(tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    path.write_text(_records(30)[:-40] + ", oops]", encoding="utf-8")
    monkeypatch.setattr(sources, "MAX_GZ_BYTES", 500)
    items = list(read([str(path)]))
    *records, last = items
    assert len(records) == 29 and type(last).__name__ == "Failure"
    assert last.code == "E_JSON" and "after element 28, 29 read" in last.message and "at byte" in last.message


@pytest.mark.parametrize(("name", "code"), [("one.json", "E_TOO_LARGE"), ("one.json.gz", "E_GZIP")])
def test_one_record_over_the_cap_is_refused(tmp_path, monkeypatch, name, code):
    path = tmp_path / name
    body = json.dumps({"text": "word " * 400}).encode()
    path.write_bytes(gzip.compress(body) if name.endswith(".gz") else body)
    monkeypatch.setattr(sources, "MAX_GZ_BYTES", 500)
    (item,) = read([str(path)])
    assert item.code == code and "JSON Lines" in item.message
