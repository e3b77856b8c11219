"""Text as Agora keeps it: what anyone typed, made safe to store and to show anywhere.

One function for every field, at the edge where a service takes the text in: Unicode NFC
(so "é" typed in two parts counts as one character, as on screen), unified line ends,
control characters as spaces (tabs and line breaks kept where the field has lines), and
the bidirectional embedding, override and isolate controls removed: they can make a name
or a question read backwards on the screen and in the report ("Trojan Source").
"""

from __future__ import annotations

import re
import unicodedata

#: LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI. The marks LRM/RLM (U+200E/F) stay:
#: they change no text's order and Arabic or Hebrew names may need them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def plain(value: str, *, multiline: bool = False) -> str:
    """Return ``value`` safe to keep: NFC, no control or bidi-override characters, stripped."""
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = BIDI_CONTROLS.sub("", text)
    keep = "\n\t" if multiline else ""
    return "".join(c if c in keep or unicodedata.category(c) != "Cc" else " " for c in text).strip()
