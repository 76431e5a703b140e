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
