"""Languages by tag, European Portuguese, and one English word read in its context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from babel.dates import format_date

from agora.core import i18n
from agora.reports.html import format_dates
from tests.core.glossary_terms import TERMS


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("asked", ["pt", "pt-PT", "pt_PT", "PT-pt", "pt-BR", "pt_br"])
def test_every_portuguese_is_european_portuguese(asked: str) -> None:
    assert i18n.supported(asked) == "pt-PT"


def test_portuguese_catalogue_is_pt_pt_with_its_plural_rule() -> None:
    path = i18n.catalogue_path("pt-PT")
    assert path.parts[-3] == "pt_PT"
    assert "Plural-Forms: nplurals=3; plural=(n == 1 ? 0" in path.read_text()
    assert not (i18n.LOCALE_DIR / "pt").exists()


def test_portuguese_dates_are_written_the_european_way() -> None:
    day = dt.date(2023, 10, 10)
    assert str(i18n.babel_locale("pt")) == "pt_PT"
    assert format_date(day, "medium", locale=i18n.babel_locale("pt")) == "10/10/2023"
    assert format_date(day, "medium", locale="pt") != "10/10/2023"  # Babel's pt is Brazil's


def test_report_dates_of_a_portuguese_event_are_european() -> None:
    report = SimpleNamespace(
        starts_on=dt.date(2023, 10, 10),
        ends_on=None,
        start_time=None,
        time_zone="Europe/Lisbon",
        language="pt",
    )
    assert format_dates(report).startswith("10 de outubro de 2023")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("language", "context", "message", "expected"),
    [
        ("fr", "audience questions tab", "Answered", "Traitées"),
        ("fr", "audience question badge", "Answered", "Traitée"),
        ("fr", "poll state", "archived", "archivé"),
        ("fr", "audience question state", "archived", "archivée"),
        ("fr", "audience question state", "rejected", "rejetée"),
        ("fr", "takeaway state", "rejected", "rejeté"),
        ("it", "poll state", "archived", "archiviato"),
        ("it", "audience question state", "archived", "archiviata"),
        ("ro", "poll state", "archived", "arhivat"),
        ("ro", "audience question state", "archived", "arhivată"),
        ("hr", "poll state", "archived", "arhivirana"),
        ("hr", "audience question state", "archived", "arhivirano"),
        ("de", "audience question", "Upvote", "Unterstützen"),
        ("en", "report column", "Answered", "Answered"),
    ],
)
def test_one_english_word_is_translated_by_its_context(
    language: str, context: str, message: str, expected: str
) -> None:
    i18n.set_language(language)
    assert i18n.pgettext(context, message) == expected


def test_audience_support_is_counted_in_the_glossary_word_for_upvote() -> None:
    upvote = next(term for term in TERMS if term.english.startswith("upvote"))
    for language, words in upvote.words.items():
        i18n.set_language(language)
        for n in (1, 3, 5):
            support = i18n.npgettext("audience question", "%(num)s vote", "%(num)s votes", n)
            assert words.search(support), (language, support)
