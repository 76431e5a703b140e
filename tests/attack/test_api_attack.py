"""The API under attack: every endpoint fuzzed from its OpenAPI spec (schemathesis), injection strings in
every filter, oversized bodies, missing and wrong tokens, path traversal on the static files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")

from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

from sitroom.serve import create_app  # noqa: E402
from sitroom.store import open_store  # noqa: E402
from sitroom.store.synthetic import results  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "serve"))
from servekit import WRITE, fake_processor, hostile_result  # noqa: E402


def _db(tmp: Path) -> str:
    path = str(tmp / "attack.duckdb")
    with open_store(path) as store:
        store.write(results(12))
        store.write([hostile_result()])
    return path


def _app(tmp_path_factory):
    static = tmp_path_factory.mktemp("static")
    (static / "index.html").write_text("<!doctype html><p>ui</p>")
    (tmp_path_factory.getbasetemp() / "secret.txt").write_text("SECRET")
    return create_app(
        _db(tmp_path_factory.mktemp("db")),
        token=WRITE,
        processor=fake_processor,
        max_body=50_000,
        max_batch=5,
        static_dir=static,
    )


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with TestClient(_app(tmp_path_factory)) as c:
        yield c


FUZZ_EXAMPLES = 25  # per operation


def test_fuzz_every_endpoint(tmp_path_factory):
    """No 500s and JSON envelopes only, for generated valid and invalid requests to every operation
    of the OpenAPI spec (the write endpoint with the token, so its body parsing is fuzzed too)."""
    from hypothesis import given

    # Its own app: schemathesis runs the app's lifespan, which closes the store at the end.
    schema = schemathesis.openapi.from_asgi("/openapi.json", _app(tmp_path_factory))
    ran = {"cases": 0, "ops": 0}
    failures: list[str] = []
    for result in schema.get_all_operations():
        op = result.ok()
        ran["ops"] += 1

        @given(case=op.as_strategy())
        @settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def run(case):
            ran["cases"] += 1
            if case.method == "POST":
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {WRITE}"}
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.path} {case.query} -> {response.status_code}")
            ctype = response.headers.get("content-type") or [""]
            assert ctype[0].startswith(("application/json", "application/geo+json"))
            body = response.json()
            assert "ok" in body or body.get("type") == "FeatureCollection"

        run()
    assert ran["ops"] >= 8
    assert not failures, failures[:5]
    print(f"fuzz: {ran['cases']} cases over {ran['ops']} operations, {len(failures)} failures")


INJECTIONS = [
    "' OR 1=1 --",
    "'; DROP TABLE events; --",
    '" OR ""="',
    "%' OR '%'='",
    "\\'; SELECT * FROM articles; --",
    "<script>alert(1)</script>",
    "../../../../etc/passwd",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "\x00",
    "NER'||(SELECT 1)||'",
    "1e309",
    "-1,-1,-1",
    "0,0,1e309",
    "NaN,NaN,5",
    "9999-99-99",
    "a" * 600,
]
FILTERS = [
    "country",
    "type",
    "actor",
    "since",
    "until",
    "near",
    "bbox",
    "text",
    "article",
    "cursor",
    "interval",
]


@pytest.mark.parametrize("endpoint", ["/api/events", "/api/events.geojson", "/api/stats"])
@pytest.mark.parametrize("param", FILTERS)
def test_injection_strings_in_every_filter(client, endpoint, param):
    everything = client.get("/api/events").json()["total"]
    for bad in INJECTIONS:
        r = client.get(endpoint, params={param: bad})
        assert r.status_code in (200, 422), (param, bad, r.status_code, r.text[:200])
        if r.status_code == 200 and endpoint == "/api/events":
            assert r.json()["total"] in (0, everything)  # matches nothing, or the filter does not apply
    assert client.get("/api/events").json()["total"] == everything  # the tables are all still there


@pytest.mark.parametrize(
    "path", ["/api/events/' OR 1=1 --", "/api/articles/..%2F..%2Fetc%2Fpasswd", "/api/events/" + "a" * 500]
)
def test_injection_in_ids(client, path):
    r = client.get(path)
    assert r.status_code in (404, 422)


def test_oversized_bodies_are_refused(client):
    auth = {"Authorization": f"Bearer {WRITE}"}
    big = b'{"text": "' + b"a" * 60_000 + b'"}'
    r = client.post("/api/articles", content=big, headers={**auth, "content-type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "E_TOO_LARGE"

    def chunks():
        for _ in range(20):
            yield b"a" * 5_000

    r = client.post("/api/articles", content=chunks(), headers={**auth, "content-type": "text/plain"})
    assert r.status_code == 413
    many = [{"text": f"Officials in Accra met on day {i}."} for i in range(6)]
    assert client.post("/api/articles", json=many, headers=auth).status_code == 413


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {WRITE}x"},
        {"Authorization": f"Basic {WRITE}"},
        {"Authorization": f"bearer  {WRITE[:-1]}"},
        {"Authorization": "Bearer "},
        {"X-Token": WRITE},
    ],
)
def test_write_without_the_right_token_is_refused(client, headers):
    r = client.post("/api/articles", json={"text": "Officials in Accra met on Thursday."}, headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "E_AUTH"
    assert "www-authenticate" in r.headers


def test_writes_off_without_a_token(tmp_path):
    with TestClient(create_app(_db(tmp_path))) as c:
        r = c.post("/api/articles", json={"text": "x"}, headers={"Authorization": f"Bearer {WRITE}"})
        assert r.status_code == 403 and r.json()["code"] == "E_WRITES_OFF"


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/..%2Fsecret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/....//secret.txt",
        "/..\\secret.txt",
        "/static/../../secret.txt",
        "//etc/passwd",
        "/%2F%2Fetc%2Fpasswd",
        "/..%252Fsecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/index.html%00.txt",
    ],
)
def test_static_files_cannot_escape_their_folder(client, path):
    r = client.get(path)
    assert "SECRET" not in r.text and "root:" not in r.text
    assert r.status_code in (200, 400, 404, 405)
