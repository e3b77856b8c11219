"""The catalogues: the template is up to date, every language complete, every one compiles."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from agora.core.i18n import LANGUAGES, LOCALE_DIR, catalogue_path, locale_name, translations

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+(?::[^}]*)?\}")
TRANSLATED = sorted(set(LANGUAGES) - {"en"})


def template() -> Catalog:
    with (LOCALE_DIR / "messages.pot").open("rb") as pot:
        return read_po(pot)


def as_tuple(value: object) -> tuple[object, ...]:
    return value if isinstance(value, tuple) else (value,)


Key = tuple[str | None, str]


def ids(catalog: Catalog) -> set[Key]:
    """Return each message's (context, id): "Answered" as a tab and as a column are two."""
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def test_template_lists_every_marked_string() -> None:
    found = {
        (context, message if isinstance(message, str) else message[0])
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT / "agora"),
            method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
            options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
            keywords={**DEFAULT_KEYWORDS, "N_": None, "N_plural": (1, 2)},
        )
    }
    missing, stale = found - ids(template()), ids(template()) - found
    assert (missing, stale) == (set(), set()), "run `make i18n` to update the catalogues"


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_complete_with_the_same_placeholders(language: str) -> None:
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=locale_name(language))
    wanted = ids(template())
    problems = []
    by_id = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}
    for msgid in sorted(wanted, key=lambda key: (key[0] or "", key[1])):
        message = by_id.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
            continue
        strings = [
            str(s)
            for s in (message.string if isinstance(message.string, tuple) else (message.string,))
        ]
        sources = [str(s) for s in (message.id if isinstance(message.id, tuple) else (message.id,))]
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {msgid!r}")
            continue
        expected = set(PLACEHOLDER.findall(" ".join(sources)))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != expected:
                problems.append(f"placeholders differ: {msgid!r} -> {string!r}")
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_compiles_and_translates(language: str) -> None:
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=locale_name(language))
    write_mo(io.BytesIO(), catalog)
    translations.cache_clear()
    assert translations(language).gettext("Join a session") != "Join a session"
