import pytest

from sitroom.ingest.language import detect, foreign, plainly_english

ENGLISH = (
    "The defence ministry said on Tuesday that the last of the foreign troops had left the northern "
    "base, which the two governments had shared for a decade. Officials from both sides have said the "
    "handover was orderly, and that the local forces were ready to take over the patrols this week, "
    "though residents of the town told reporters they had seen few soldiers in their streets."
)
DUTCH = (
    "De regering heeft besloten om de troepen terug te trekken uit het noorden van het land, zei de "
    "minister van defensie op dinsdag. Het is de eerste keer dat dit gebeurt sinds de oorlog, en de "
    "oppositie was het er niet mee eens. Volgens de krant zijn er nog honderd soldaten in de stad, maar "
    "die vertrekken volgende week naar de hoofdstad en dan naar huis."
)
POLISH = (
    "Rząd zdecydował o wycofaniu wojsk z północy kraju, powiedział we wtorek minister obrony. To jest "
    "pierwszy raz od wojny, a opozycja się z tym nie zgadza. Według gazety w mieście jest jeszcze stu "
    "żołnierzy, ale w przyszłym tygodniu wyjadą do stolicy, a potem do domu, to jasne dla wszystkich."
)


def test_plain_english_needs_no_model():
    assert plainly_english(ENGLISH)
    assert foreign(ENGLISH) is None


@pytest.mark.parametrize("text", [DUTCH, POLISH])
def test_other_languages_are_not_plainly_english_and_go_to_the_model(text):
    assert not plainly_english(text)
    got = foreign(text)
    assert got is not None and got.language == detect(text).language != "en"


@pytest.mark.parametrize("text", ["", "The troops left.", "the " * 10])
def test_short_texts_are_left_to_the_model(text):
    assert not plainly_english(text)


def test_english_quoted_in_a_foreign_text_does_not_pass_for_english():
    mixed = DUTCH + ' Hij zei: "We will leave."'
    assert not plainly_english(mixed)


def test_the_model_unpacked_into_the_cache_answers_as_the_wheels_loader(tmp_path):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from sitroom.ingest.language import _from_unpacked, unpacked

    folder = unpacked(tmp_path)
    assert folder.parent == tmp_path and sorted(p.name for p in tmp_path.iterdir()) == [folder.name]
    ours = _from_unpacked(folder)
    wheel = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    for text in (ENGLISH, DUTCH, POLISH, ENGLISH[:30], "x", ""):
        assert ours.classify(text) == wheel.classify(text)
        assert ours.rank(text)[:5] == wheel.rank(text)[:5]


def test_the_unpacked_model_is_written_once_and_reused(tmp_path):
    from sitroom.ingest.language import unpacked

    folder = unpacked(tmp_path)
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert unpacked(tmp_path) == folder
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps
    (folder / "ptc.npy").unlink()  # a cache cleaner took part of it
    assert unpacked(tmp_path) == folder
    assert sorted(p.name for p in folder.iterdir()) == sorted(stamps)


def test_no_writable_cache_falls_back_to_the_wheels_loader(tmp_path, monkeypatch):
    from sitroom.ingest import language

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SITROOM_CACHE_DIR", str(blocker / "cache"))
    language._identifier.cache_clear()
    try:
        assert language.detect(DUTCH).language == "nl"
        assert not blocker.with_name("cache").exists()
    finally:
        language._identifier.cache_clear()
