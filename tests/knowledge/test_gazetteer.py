"""The gazetteer finds places by any name, in any spelling, and says when a name is ambiguous."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import pycountry
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora.knowledge import gazetteer
from agora.knowledge.gazetteer import (
    WORLD_AREAS,
    Match,
    Place,
    by_code,
    comparable,
    distance_km,
    lookup,
    normalise,
    resolve,
    timezone_offset_hours,
    world_area,
)
from agora.takeaways.fields import world_areas

GENOA = "geonames:3176219"
HAMBURG_CITY = "geonames:2911298"
CHONGQING_CITY = "geonames:1814906"
_ISO_SUBDIVISIONS = {s.code: s for s in pycountry.subdivisions}


def codes(matches: list[Match] | tuple[Match, ...]) -> list[str]:
    return [m.place.code for m in matches]


def resolved(
    query: str, *, country: str | None = None, kinds: Collection[str] | None = None
) -> Place:
    resolution = resolve(query, country=country, kinds=kinds)
    assert resolution.place is not None, (query, codes(resolution.plausible))
    assert not resolution.ambiguous
    return resolution.place


def ambiguous(query: str) -> list[str]:
    resolution = resolve(query)
    assert resolution.place is None
    assert resolution.ambiguous
    return codes(resolution.plausible)


# --- normalisation ----------------------------------------------------------------------


def test_normalise_folds_case_accents_and_punctuation() -> None:
    assert normalise("Krapinsko-zagorska  Županija") == "krapinsko zagorska zupanija"
    assert normalise("Łódź") == "lodz"
    assert normalise("Raʼs al Khaymah") == "ras al khaymah"
    assert normalise("Генуя") == "генуя"


def test_comparable_drops_words_that_only_say_the_kind_of_place() -> None:
    assert comparable("Región de Murcia") == "murcia"
    assert comparable("Murcia, Región de") == "murcia"
    assert comparable("Region of Murcia") == "murcia"
    assert comparable("Krapinsko-zagorska županija") == "krapinsko zagorska"
    assert comparable("Chongqing Shi") == "chongqing"


def test_comparable_keeps_names_that_are_only_link_or_kind_words() -> None:
    assert comparable("La Paz") == "la paz"
    assert comparable("Mar del Plata") == "mar del plata"
    assert comparable("Land") == "land"


# --- the cases of the issue -------------------------------------------------------------


def test_english_name_of_a_croatian_county_finds_it() -> None:
    place = resolved("Krapina-Zagorje")
    assert place.code == "HR-02"
    assert place.local_name == "Krapinsko-zagorska županija"
    assert place.subdivision_type == "County"
    assert place.kind == "subdivision"
    assert place.parent == "HR"
    assert place.world_area == "europe"


def test_official_local_name_and_type_word_variants_find_the_county() -> None:
    assert resolved("Krapinsko-zagorska županija").code == "HR-02"
    assert resolved("Krapina-Zagorje County").code == "HR-02"
    assert resolved("Sisak-Moslavina").code == "HR-03"


def test_italian_name_of_genoa_finds_the_city() -> None:
    matches = lookup("Genova")
    assert GENOA in codes(matches)
    city = by_code(GENOA)
    assert city is not None
    assert city.name == "Genoa"
    assert city.country == "IT"
    assert city.subdivision == "IT-42"  # Liguria
    assert city.timezone == "Europe/Rome"
    assert city.population is not None
    assert city.population > 500_000
    assert city.latitude == pytest.approx(44.4, abs=0.1)


def test_genova_is_ambiguous_between_the_city_and_its_province_not_the_small_towns() -> None:
    plausible = ambiguous("Genova")
    assert set(plausible) == {GENOA, "IT-GE"}


def test_murcia_offers_the_region_the_province_and_the_city() -> None:
    plausible = ambiguous("Murcia")
    assert plausible[:2] == ["ES-MC", "ES-MU"]
    murcia_city = [c for c in plausible if c.startswith("geonames:")]
    assert len(murcia_city) == 1
    city = by_code(murcia_city[0])
    assert city is not None
    assert city.country == "ES"
    assert city.subdivision == "ES-MC"


def test_zhong_county_resolves_to_its_seat_under_chongqing() -> None:
    place = resolved("Zhong County")
    assert place.kind == "city"
    assert place.country == "CN"
    assert place.subdivision == "CN-CQ"
    assert place.parent == "CN-CQ"
    assert place.world_area == "asia"
    assert resolved("忠县").code == place.code


def test_romanian_development_region_by_english_and_romanian_name() -> None:
    place = resolved("North East Romania")
    assert place.code == "nuts:RO21"
    assert place.nuts == "RO21"
    assert place.kind == "region"
    assert place.local_name == "Nord-Est"
    assert resolved("Nord-Est", country="RO").code == "nuts:RO21"


def test_nord_est_alone_is_ambiguous_across_countries() -> None:
    plausible = ambiguous("Nord-Est")
    assert "nuts:RO21" in plausible
    assert "HT-NE" in plausible


def test_all_eight_romanian_development_regions_are_there() -> None:
    regions = [p for p in gazetteer.places("region") if p.country == "RO"]
    assert sorted(p.nuts for p in regions) == [
        "RO11",
        "RO12",
        "RO21",
        "RO22",
        "RO31",
        "RO32",
        "RO41",
        "RO42",
    ]
    # Each has the coordinates of its largest city: Iași for the North-East.
    north_east = by_code("nuts:RO21")
    assert north_east is not None
    assert north_east.latitude == pytest.approx(47.2, abs=0.1)


def test_extremadura_is_the_spanish_autonomous_community() -> None:
    place = resolved("Extremadura")
    assert place.code == "ES-EX"
    assert place.subdivision_type == "Autonomous community"


def test_piura_offers_the_peruvian_region_and_the_city() -> None:
    plausible = ambiguous("Piura")
    assert plausible[0] == "PE-PIU"
    city = by_code(plausible[1])
    assert city is not None
    assert city.kind == "city"
    assert city.subdivision == "PE-PIU"


def test_mar_del_plata_is_the_argentinian_city() -> None:
    place = resolved("Mar del Plata")
    assert place.kind == "city"
    assert place.country == "AR"
    assert place.world_area == "latin_america"
    assert place.timezone.startswith("America/Argentina/")


def test_hamburg_offers_the_land_and_the_city_but_not_the_small_american_towns() -> None:
    assert ambiguous("Hamburg") == ["DE-HH", HAMBURG_CITY]
    assert "US" in {m.place.country for m in lookup("Hamburg", limit=20)}


@pytest.mark.parametrize(
    ("query", "country", "area"),
    [("Melbourne", "AU", "oceania"), ("Canberra", "AU", "oceania"), ("Graz", "AT", "europe")],
)
def test_well_known_cities_resolve(query: str, country: str, area: str) -> None:
    place = resolved(query)
    assert place.kind == "city"
    assert place.country == country
    assert place.world_area == area


def test_melbourne_in_florida_is_still_a_candidate() -> None:
    resolution = resolve("Melbourne")
    assert "US" in {m.place.country for m in resolution.candidates}


def test_canberra_is_in_the_australian_capital_territory() -> None:
    assert resolved("Canberra").subdivision == "AU-ACT"


# --- other scripts ----------------------------------------------------------------------


def test_russian_name_finds_genoa() -> None:
    assert GENOA in codes(lookup("Генуя"))


def test_chinese_name_finds_chongqing() -> None:
    assert resolved("重庆").code == CHONGQING_CITY
    assert set(ambiguous("Chongqing")) == {"CN-CQ", CHONGQING_CITY}
    assert by_code("CN-CQ") is not None
    assert "CN-CQ" in codes(lookup("重庆市"))


def test_serbian_cyrillic_and_latin_names_find_belgrade() -> None:
    for query in ("Београд", "Beograd", "Belgrade"):
        found = codes(lookup(query))
        assert "RS-00" in found, query
        city = next(m.place for m in lookup(query) if m.place.kind == "city")
        assert city.name == "Belgrade"
        assert city.country == "RS"


def test_german_name_of_a_country_finds_it() -> None:
    assert resolved("Deutschland").code == "DE"
    assert resolved("Kroatien").code == "HR"
    assert resolved("Hrvatska").code == "HR"


# --- spelling tolerance -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Krapina Zagorje", "HR-02"),
        ("Krapina-Zagorie", "HR-02"),
        ("Sisak Moslavna", "HR-03"),
        ("Extremadrua", "ES-EX"),
    ],
)
def test_misspelt_regions_resolve(query: str, code: str) -> None:
    assert resolved(query).code == code


def test_misspelt_city_resolves() -> None:
    place = resolved("Mar del Platta")
    assert place.country == "AR"
    assert place.kind == "city"


def test_alternate_spelling_of_genoa_is_an_exact_name() -> None:
    match = next(m for m in lookup("Genua") if m.place.code == GENOA)
    assert match.exact
    assert match.matched_name == "Genua"


def test_spelling_matches_score_below_exact_ones() -> None:
    match = lookup("Extremadrua")[0]
    assert not match.exact
    assert 76 <= match.score < gazetteer.TYPE_WORDS_SCORE
    assert match.matched_name == "Extremadura"


def test_nonsense_finds_nothing() -> None:
    assert lookup("Qxzvbnwpt") == []
    resolution = resolve("Qxzvbnwpt")
    assert resolution.place is None
    assert not resolution.ambiguous
    assert resolution.candidates == ()


def test_empty_query_finds_nothing() -> None:
    assert lookup("   ") == []
    assert lookup("--") == []


# --- ranking and ambiguity --------------------------------------------------------------


def test_matches_are_ranked_by_score_then_kind() -> None:
    matches = lookup("Murcia", limit=20)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    kinds = [m.place.kind for m in matches if m.score == 100]
    assert kinds == sorted(kinds, key=gazetteer.KINDS.index)


def test_a_country_named_by_the_query_beats_its_capital() -> None:
    assert resolved("Mexico").code == "MX"
    assert resolved("Singapore").code == "SG"


def test_a_country_does_not_beat_a_place_of_the_same_name_elsewhere() -> None:
    assert set(ambiguous("Georgia")) == {"GE", "US-GA"}


def test_a_city_state_is_ambiguous_between_the_city_and_the_subdivision() -> None:
    plausible = ambiguous("Mexico City")
    assert plausible[0] == "MX-CMX"
    city = by_code(plausible[1])
    assert city is not None
    assert city.kind == "city"
    assert city.country == "MX"
    assert len(plausible) == 2


def test_type_words_in_the_query_do_not_hide_an_exact_name() -> None:
    match = lookup("Region of Murcia")[0]
    assert match.exact
    assert match.place.country == "ES"


def test_a_comma_names_the_place_that_contains_it() -> None:
    assert resolved("Zhong County, Chongqing").subdivision == "CN-CQ"
    assert resolved("Melbourne, Florida").subdivision == "US-FL"
    assert resolved("Melbourne, Australia").subdivision == "AU-VIC"
    assert resolved("Graz, Styria, Austria").code == "geonames:2778067"
    assert resolved("Iaşi, North East Romania", kinds=["city"]).subdivision == "RO-IS"
    assert resolved("Extremadrua, Spain").code == "ES-EX"


def test_a_comma_in_a_name_of_its_own_is_not_a_container() -> None:
    assert "US-DC" in codes(lookup("Washington, D.C."))


def test_a_container_that_holds_no_such_name_finds_nothing_exact() -> None:
    assert not any(m.exact for m in lookup("Graz, Croatia"))


def test_a_long_list_of_commas_is_answered() -> None:
    assert lookup(", ".join(["Nowhere"] * 300)) == []
    assert resolved(", ".join(["Graz", "Styria", "Austria"]) + " " * 500).kind == "city"


def test_limit_bounds_the_matches() -> None:
    assert len(lookup("Hamburg", limit=3)) == 3
    assert lookup("Hamburg", limit=0) == []
    assert len(resolve("Hamburg", limit=1).candidates) == 1


# --- filters ----------------------------------------------------------------------------


def test_country_filter_keeps_only_places_of_that_country() -> None:
    matches = lookup("Hamburg", country="US", limit=20)
    assert matches
    assert {m.place.country for m in matches} == {"US"}
    assert resolve("Melbourne", country="us").place is not None


def test_country_filter_applies_to_spelling_tolerance() -> None:
    assert resolved("Extremadrua", country="ES").code == "ES-EX"
    assert lookup("Extremadrua", country="HR") == []


def test_kinds_filter() -> None:
    assert codes(lookup("Hamburg", kinds=["subdivision"])) == ["DE-HH"]
    assert resolved("Piura", kinds={"city"}).kind == "city"


def test_murcia_as_a_subdivision_is_still_ambiguous() -> None:
    assert set(codes(resolve("Murcia", kinds=["subdivision"]).plausible)) == {"ES-MC", "ES-MU"}


def test_a_country_filter_that_is_not_a_code_is_refused() -> None:
    with pytest.raises(ValueError, match="alpha-2"):
        lookup("Graz", country="Austria")


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="town"):
        lookup("Graz", kinds=["town"])


# --- codes ------------------------------------------------------------------------------


def test_codes_find_places() -> None:
    for code in ("HR-02", "hr-02", "DE", "DEU", GENOA, "nuts:RO21", "XK"):
        place = by_code(code)
        assert place is not None, code
        assert lookup(code)[0].place == place
    assert by_code("ZZ-99") is None
    assert by_code("geonames:1") is None


def test_codes_reserved_for_eu_usage_find_their_country() -> None:
    assert resolved("UK").code == "GB"
    assert resolved("EL").code == "GR"
    assert by_code("uk") == by_code("GB")


def test_short_queries_get_no_spelling_tolerance() -> None:
    assert lookup("Qk") == []


def test_lowercase_two_letters_are_a_name_not_a_code() -> None:
    assert all(m.place.code != "DE" for m in lookup("de"))


@pytest.mark.parametrize("kind", gazetteer.KINDS)
def test_by_code_round_trip(kind: gazetteer.Kind) -> None:
    for place in list(gazetteer.places(kind))[::97]:
        assert by_code(place.code) == place


def test_every_iso_country_and_subdivision_is_a_place() -> None:
    for country in pycountry.countries:
        place = by_code(country.alpha_2)
        assert place is not None
        assert place.kind == "country"
    for sub in pycountry.subdivisions:
        place = by_code(sub.code)
        assert place is not None
        assert place.kind == "subdivision"
        assert place.parent == (sub.parent_code or sub.country_code)


def test_cities_point_to_existing_subdivisions() -> None:
    with_subdivision = 0
    for place in list(gazetteer.places("city"))[::53]:
        assert place.parent in (place.subdivision, place.country)
        if place.subdivision:
            with_subdivision += 1
            parent = by_code(place.subdivision)
            assert parent is not None
            assert parent.country == place.country
    # Most GeoNames divisions have an ISO pair (the table says how many do not).
    assert with_subdivision > 0.8 * len(list(gazetteer.places("city"))[::53])


def test_the_geonames_pairing_table_is_one_to_one_and_names_real_codes() -> None:
    rows = list(gazetteer._read_table("geonames_admin1_iso3166_2.tsv"))
    assert len({row[0] for row in rows}) == len(rows)
    assert len({row[1] for row in rows}) == len(rows)
    assert {row[1] for row in rows} <= set(_ISO_SUBDIVISIONS)
    assert all(row[0].split(".")[0] == row[1].split("-")[0] for row in rows)


def test_english_names_of_divisions_find_the_right_subdivision() -> None:
    assert resolved("Moscow Oblast").code == "RU-MOS"
    assert resolved("Styria").code == "AT-6"
    assert resolved("Lower Saxony").code == "DE-NI"
    assert resolved("Basque Country").code == "ES-PV"


def test_subdivisions_of_lists_the_children() -> None:
    children = {p.code for p in gazetteer.subdivisions_of("ES-MC")}
    assert children == {"ES-MU"}
    ro = {p.code for p in gazetteer.subdivisions_of("RO")}
    assert "nuts:RO21" in ro
    assert "RO-IS" in ro


# --- world areas ------------------------------------------------------------------------


def test_world_area_ids_are_those_of_the_takeaways() -> None:
    assert set(WORLD_AREAS) == set(world_areas())


def test_every_country_has_a_world_area() -> None:
    for country in pycountry.countries:
        assert world_area(country.alpha_2) in WORLD_AREAS, country.alpha_2
    assert world_area("XK") == "europe"
    assert world_area("ZZ") == ""


@pytest.mark.parametrize(
    ("alpha2", "area"),
    [
        ("HR", "europe"),
        ("CY", "europe"),
        ("GE", "europe"),
        ("RU", "europe"),
        ("EG", "middle_east"),
        ("IR", "middle_east"),
        ("TR", "middle_east"),
        ("MA", "africa"),
        ("CN", "asia"),
        ("AU", "oceania"),
        ("MX", "latin_america"),
        ("PE", "latin_america"),
        ("US", "north_america"),
        ("CA", "north_america"),
        ("GL", "north_america"),
        ("aq", "oceania"),
    ],
)
def test_world_area_of(alpha2: str, area: str) -> None:
    assert world_area(alpha2) == area


def test_every_place_has_the_world_area_of_its_country() -> None:
    for place in list(gazetteer.places())[::41]:
        assert place.world_area == world_area(place.country), place.code


# --- distances and time zones -----------------------------------------------------------


def test_distance_between_places_and_points() -> None:
    hamburg, genoa = by_code(HAMBURG_CITY), by_code(GENOA)
    assert hamburg is not None
    assert genoa is not None
    assert distance_km(hamburg, genoa) == pytest.approx(1030, abs=30)
    assert distance_km(hamburg, hamburg) == pytest.approx(0)
    assert distance_km((0.0, 0.0), (0.0, 180.0)) == pytest.approx(20015, abs=5)
    murcia_province = by_code("ES-MU")
    assert murcia_province is not None
    assert murcia_province.latitude is None
    assert distance_km(murcia_province, genoa) is None


def test_timezone_offset_follows_summer_time() -> None:
    winter = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 15, 12, tzinfo=dt.UTC)
    assert timezone_offset_hours("Europe/Zagreb", "Australia/Melbourne", winter) == 10
    assert timezone_offset_hours("Europe/Zagreb", "Australia/Melbourne", summer) == 8
    assert timezone_offset_hours("Asia/Shanghai", "Europe/Berlin", summer) == -6
    assert timezone_offset_hours("Asia/Kolkata", "UTC", dt.datetime(2026, 1, 1)) == -5.5


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        timezone_offset_hours("Europe/Zagreb", "Mars/Olympus")
    with pytest.raises(ValueError, match="unknown time zone"):
        timezone_offset_hours("", "Europe/Zagreb")


def test_places_have_time_zones_from_their_largest_city() -> None:
    hr02 = by_code("HR-02")
    assert hr02 is not None
    assert hr02.timezone == "Europe/Zagreb"
    assert hr02.latitude is not None
    croatia = by_code("HR")
    assert croatia is not None
    assert croatia.timezone == "Europe/Zagreb"
    assert croatia.latitude == pytest.approx(45.8, abs=0.1)  # Zagreb, the capital
    assert croatia.population is not None
    assert croatia.population > 3_000_000
    # A province without GeoNames cities of its own takes its country's only time zone.
    murcia_province = by_code("ES-MU")
    assert murcia_province is not None
    assert murcia_province.timezone == ""


# --- properties -------------------------------------------------------------------------

_SUBDIVISIONS = sorted(_ISO_SUBDIVISIONS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_SUBDIVISIONS))
def test_a_subdivision_own_name_finds_it_among_the_plausible(code: str) -> None:
    sub = _ISO_SUBDIVISIONS[code]
    resolution = resolve(sub.name, country=sub.country_code, limit=50)
    assert code in codes(resolution.candidates)
    # Only the country itself, named by the same word, can make it implausible (Djibouti).
    if code not in codes(resolution.plausible):
        assert resolution.place is not None
        assert resolution.place.kind == "country"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_SUBDIVISIONS))
def test_a_subdivision_english_name_finds_it(code: str) -> None:
    place = by_code(code)
    assert place is not None
    resolution = resolve(place.name, country=place.country, limit=50)
    assert code in codes(resolution.candidates)
    if code not in codes(resolution.plausible):
        assert resolution.place is not None
        assert resolution.place.kind == "country"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_a_well_formed_answer(text: str) -> None:
    resolution = resolve(text, limit=5)
    assert len(resolution.candidates) <= 5
    assert all(0 <= m.score <= 100 for m in resolution.candidates)
    if resolution.place is not None:
        assert resolution.plausible[0].place == resolution.place
