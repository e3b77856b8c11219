"""Text as Agora keeps it: NFC, no control or bidi-override characters."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from agora.text.clean import BIDI_CONTROLS, plain


def test_bidi_overrides_are_removed_and_marks_kept() -> None:
    assert plain("Ana\u202eabc\u202c Kovač") == "Anaabc Kovač"
    assert plain("\u2067שלום\u2069") == "שלום"
    assert plain("a\u200fb") == "a\u200fb"  # a right-to-left mark changes no order


def test_control_characters_become_spaces_and_lines_are_kept_where_asked() -> None:
    assert plain("bell\x07here") == "bell here"
    assert plain("one\r\ntwo\x00", multiline=True) == "one\ntwo"
    assert plain("one\ntwo") == "one two"


def test_nfc() -> None:
    assert plain("e\u0301") == "é"


@given(st.text())
def test_plain_text_holds_no_control_or_override(value: str) -> None:
    text = plain(value, multiline=True)
    assert not BIDI_CONTROLS.search(text)
    assert all(c in "\n\t" or unicodedata.category(c) != "Cc" for c in text)
    assert text == plain(text, multiline=True)
