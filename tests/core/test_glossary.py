"""Every catalogue uses the glossary's words (docs/glossary.md), one term for one thing."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from agora.core.i18n import LANGUAGES, catalogue_path, locale_name
from tests.core.glossary_terms import TERMS, Term

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"
TRANSLATED = sorted(set(LANGUAGES) - {"en"})
#: The glossary's column of each language.
COLUMNS = {
    "fr": "fr",
    "de": "de",
    "es": "es",
    "it": "it",
    "pt-PT": "pt (pt-PT)",
    "hr": "hr",
    "ro": "ro",
}


def glossary_rows() -> dict[str, dict[str, str]]:
    """Return the glossary's table: for each English term, its cell in each language."""
    lines = [line for line in GLOSSARY.read_text().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = dict(zip(header[1:], cells[1:], strict=True))
    return rows


def catalogue(language: str) -> Catalog:
    with catalogue_path(language).open("rb") as po:
        return read_po(po, locale=locale_name(language))


def texts(message: Message) -> tuple[list[str], list[str]]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return [str(i) for i in ids], [str(s) for s in strings]


def test_every_glossary_row_is_checked_and_its_words_match_the_glossary() -> None:
    rows = glossary_rows()
    assert sorted(rows) == sorted(term.english for term in TERMS)
    for term in TERMS:
        for language in TRANSLATED:
            cell = rows[term.english][COLUMNS[language]]
            assert term.words[language].search(cell), (term.english, language, cell)


def about(term: Term, message: Message) -> bool:
    sources, _strings = texts(message)
    source = " ".join(sources)
    if not term.messages.search(source):
        return False
    return term.unless is None or not term.unless.search(source)


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("term", TERMS, ids=[t.english.split(" (")[0] for t in TERMS])
def test_catalogue_uses_the_glossary_word(language: str, term: Term) -> None:
    wrong: list[str] = []
    for message in catalogue(language):
        if not message.id or not about(term, message):
            continue
        _sources, strings = texts(message)
        wrong.extend(
            f"{message.id!r} -> {string!r}"
            for string in strings
            if string and not term.words[language].search(string)
        )
    assert wrong == [], f"{language} does not say {term.words[language].pattern!r} in"
