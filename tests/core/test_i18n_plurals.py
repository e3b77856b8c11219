"""Counts read right in every language: on the server (gettext) and as the pages get them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from babel import Locale

from agora.core import i18n

COUNTS = (0, 1, 2, 5, 21, 101)
WAITING = ("%(num)s person waits for the microphone.", "%(num)s people wait for the microphone.")


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.set_language("en")


def waiting(language: str, n: int) -> str:
    i18n.set_language(language)
    return i18n.ngettext(*WAITING, n) % {"num": n}


@pytest.mark.parametrize("language", sorted(i18n.LANGUAGES))
def test_each_count_gets_the_form_of_its_cldr_category(language: str) -> None:
    # the catalogue's Plural-Forms and CLDR's rules agree, so the server and the browser
    # (which picks by Intl.PluralRules) write the same words for every count
    rule = Locale.parse(i18n.locale_name(language)).plural_form
    i18n.set_language(language)
    forms = i18n.plural_forms(*WAITING)
    assert set(forms) == set(rule.tags) | {"other"}
    for n in COUNTS:
        assert i18n.ngettext(*WAITING, n) == forms[rule(n)], n


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "pt-PT",
            [
                "0 pessoas estão à espera do microfone.",  # European Portuguese: 0 is plural
                "1 pessoa está à espera do microfone.",
                "2 pessoas estão à espera do microfone.",
                "5 pessoas estão à espera do microfone.",
                "21 pessoas estão à espera do microfone.",
                "101 pessoas estão à espera do microfone.",
            ],
        ),
        (
            "hr",
            [
                "0 osoba čeka mikrofon.",
                "1 osoba čeka mikrofon.",
                "2 osobe čekaju mikrofon.",
                "5 osoba čeka mikrofon.",
                "21 osoba čeka mikrofon.",
                "101 osoba čeka mikrofon.",
            ],
        ),
        (
            "ro",
            [
                "0 persoane așteaptă la microfon.",
                "1 persoană așteaptă la microfon.",
                "2 persoane așteaptă la microfon.",
                "5 persoane așteaptă la microfon.",
                "21 de persoane așteaptă la microfon.",
                "101 persoane așteaptă la microfon.",
            ],
        ),
        (
            "fr",
            [
                "0 personne attend le micro.",
                "1 personne attend le micro.",
                "2 personnes attendent le micro.",
                "5 personnes attendent le micro.",
                "21 personnes attendent le micro.",
                "101 personnes attendent le micro.",
            ],
        ),
        (
            "de",
            [
                "0 Personen warten auf das Mikrofon.",
                "1 Person wartet auf das Mikrofon.",
                "2 Personen warten auf das Mikrofon.",
                "5 Personen warten auf das Mikrofon.",
                "21 Personen warten auf das Mikrofon.",
                "101 Personen warten auf das Mikrofon.",
            ],
        ),
    ],
)
def test_counts_read_as_a_native_speaker_writes_them(language: str, expected: list[str]) -> None:
    assert [waiting(language, n) for n in COUNTS] == expected


def test_croatian_and_romanian_have_three_forms_for_audience_support() -> None:
    i18n.set_language("hr")
    hr = i18n.plural_forms("%(num)s vote", "%(num)s votes", "audience question")
    assert hr == {"one": "%(num)s podrška", "few": "%(num)s podrške", "other": "%(num)s podrški"}
    i18n.set_language("ro")
    ro = i18n.plural_forms("%(num)s vote", "%(num)s votes", "audience question")
    assert ro == {
        "one": "%(num)s susținere",
        "few": "%(num)s susțineri",
        "other": "%(num)s de susțineri",
    }


def test_plural_samples_give_one_count_per_category() -> None:
    assert i18n.plural_samples("ro") == {"few": 0, "one": 1, "other": 20}
    assert i18n.plural_samples("pt-PT")["other"] == 0
    assert i18n.plural_samples("fr")["one"] == 0
