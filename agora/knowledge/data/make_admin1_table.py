"""Write geonames_admin1_iso3166_2.tsv: which ISO 3166-2 subdivision each GeoNames
first-level division is.

GeoNames gives each city a first-level division code of its own (``HR.07``, often a FIPS
10-4 code), not an ISO 3166-2 code. This script pairs the two by name: the GeoNames English
name of the division (from GeoNames' admin1CodesASCII.txt) against every name pycountry has
for the country's subdivisions (the ISO name and its translations), normalised as the
gazetteer does, best pairs first, each side used once, and only pairs whose rapidfuzz ratio
reaches ``THRESHOLD``. Divisions left unpaired are not written: their cities get no
subdivision rather than a wrong one.

Run it again when pycountry or the GeoNames file changes:

    python agora/knowledge/data/make_admin1_table.py admin1CodesASCII.txt
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pycountry
from rapidfuzz import fuzz

from agora.knowledge.gazetteer import _english, _translations, comparable, name_variants

THRESHOLD = 88.0
_BY_HAND_SCORE = 1000.0
#: Pairs whose names differ too much to pair by name (English exonyms such as "Saxony" for
#: "Sachsen"), checked by hand against the ISO 3166-2 names, for Europe and a few partner
#: countries. Divisions that are not ISO subdivisions (RS.SE Central Serbia) stay unpaired.
BY_HAND = {
    "AT.03": "AT-3", "AT.04": "AT-4", "BE.BRU": "BE-BRU", "BE.VLG": "BE-VLG",
    "BG.42": "BG-22", "CL.12": "CL-RM", "CL.14": "CL-LL", "CL.17": "CL-LR",
    "CN.20": "CN-NM", "CO.17": "CO-LAG", "CO.34": "CO-DC", "CZ.52": "CZ-10",
    "CZ.78": "CZ-64", "CZ.84": "CZ-71", "CZ.85": "CZ-80", "CZ.86": "CZ-53",
    "CZ.88": "CZ-20", "DE.06": "DE-NI", "DE.07": "DE-NW", "DE.13": "DE-SN",
    "DK.17": "DK-84", "DK.18": "DK-82", "DK.19": "DK-81", "DK.20": "DK-85",
    "DK.21": "DK-83", "ES.07": "ES-IB", "ES.32": "ES-NC", "ES.53": "ES-CN",
    "ES.55": "ES-CL", "ES.59": "ES-PV", "ES.60": "ES-VC", "FR.24": "FR-CVL", "FR.28": "FR-NOR",
    "FR.53": "FR-BRE", "GR.736572": "GR-69", "GR.ESYE11": "GR-A", "GR.ESYE14": "GR-E",
    "GR.ESYE22": "GR-F", "GR.ESYE23": "GR-G", "GR.ESYE24": "GR-H", "GR.ESYE41": "GR-K",
    "GR.ESYE42": "GR-L", "GR.ESYE43": "GR-M", "HR.04": "HR-18", "HU.06": "HU-CS",
    "IN.01": "IN-AN", "IN.14": "IN-LD", "IT.10": "IT-57", "IT.16": "IT-52",
    "IT.19": "IT-23", "MD.51": "MD-GA", "NL.07": "NL-NH", "NL.11": "NL-ZH",
    "PL.72": "PL-02", "PL.77": "PL-12", "PL.86": "PL-30", "PL.87": "PL-32",
    "PT.23": "PT-20", "UA.01": "UA-71", "UA.03": "UA-77", "UA.07": "UA-63",
    "UA.09": "UA-68", "UA.11": "UA-43", "UA.12": "UA-30", "UA.20": "UA-40",
    "UA.21": "UA-59", "UA.24": "UA-07", "UA.27": "UA-18", "US.DC": "US-DC",
    "ZA.03": "ZA-FS",
    # Two GeoNames divisions with the same name once "Oblast", "Krai"… are set aside.
    "LA.24": "LA-VT", "LA.27": "LA-VI", "PE.LMA": "PE-LMA", "RU.03": "RU-AL",
    "RU.04": "RU-ALT", "RU.47": "RU-MOS", "RU.48": "RU-MOW",
    "RU.12": "RU-CE", "RU.16": "RU-CU", "RU.29": "RU-KEM", "RU.32": "RU-KHM",
    "RU.50": "RU-NEN", "RU.51": "RU-NIZ", "RU.59": "RU-PRI", "RU.68": "RU-SE",
    "RU.80": "RU-UD", "RU.87": "RU-YAN", "RU.89": "RU-YEV", "RU.93": "RU-ZAB",
}  # fmt: skip
HEADER = """\
# GeoNames first-level divisions paired with ISO 3166-2 subdivisions.
# Source: GeoNames admin1CodesASCII.txt (https://download.geonames.org/export/dump/,
# CC BY 4.0, copy of January 2024) and pycountry {version} (ISO 3166-2, iso-codes
# translations). Pairs made by name by make_admin1_table.py in this folder (its docstring
# says how; "hand" marks pairs checked by hand); {unpaired} of {total} GeoNames divisions
# had no confident pair and are left out.
# Columns: GeoNames division ("CC.code"), ISO 3166-2 code, GeoNames English name, ratio
# of the names (or "hand").
"""


def main(source: Path, target: Path) -> None:
    """Pair the divisions of ``source`` (admin1CodesASCII.txt) and write ``target``."""
    divisions: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for line in source.read_text(encoding="utf-8").splitlines():
        key, name, ascii_name, _geonameid = line.split("\t")
        divisions[key.split(".")[0]].append((key, name, ascii_name))
    translations = _translations("iso3166-2")
    english = _english("iso3166-2")
    rows: list[tuple[str, str, str, float]] = []
    for country, entries in sorted(divisions.items()):
        subdivisions = [s for s in pycountry.subdivisions if s.country_code == country]
        names: dict[str, set[str]] = {}
        primary = {sub.code: comparable(sub.name) for sub in subdivisions}
        for sub in subdivisions:
            variants = name_variants(sub.name)
            forms = set(variants) | {t for v in variants for t in translations.get(v, ())}
            forms.add(english.get(sub.name, sub.name))
            names[sub.code] = {comparable(f) for f in forms}
        top_level = {s.code for s in subdivisions if not s.parent_code}
        pairs: list[tuple[float, str, str, str]] = []
        for key, name, ascii_name in entries:
            if key in BY_HAND:
                pairs.append((_BY_HAND_SCORE, key, BY_HAND[key], name))
                continue
            own = {comparable(name), comparable(ascii_name)}
            for code, forms in names.items():
                ratio = max(fuzz.ratio(a, b) for a in own for b in forms)
                # Cities belong to first-level divisions: prefer the ISO top level, and the
                # ISO name itself over a variant ("Sofia" over "Sofia (stolitsa)").
                score = ratio if code in top_level else ratio - 1.5
                if primary[code] in own:
                    score += 0.5
                if score >= THRESHOLD:
                    pairs.append((score, key, code, name))
        used_keys: set[str] = set()
        used_codes: set[str] = set()
        for score, key, code, name in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
            if key not in used_keys and code not in used_codes:
                used_keys.add(key)
                used_codes.add(code)
                rows.append((key, code, name, score))
    total = sum(len(e) for e in divisions.values())
    with target.open("w", encoding="utf-8") as out:
        out.write(
            HEADER.format(version=_pycountry_version(), unpaired=total - len(rows), total=total)
        )
        for key, code, name, score in sorted(rows):
            how = "hand" if score == _BY_HAND_SCORE else f"{min(score, 100):.0f}"
            out.write(f"{key}\t{code}\t{name}\t{how}\n")


def _pycountry_version() -> str:
    from importlib.metadata import version

    return version("pycountry")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).parent / "geonames_admin1_iso3166_2.tsv")
