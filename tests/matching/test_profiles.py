"""Profiles: own values first, then values derived from country facts, then unknown."""

from __future__ import annotations

import pytest

from agora.core.errors import InvalidInput
from agora.matching.profiles import (
    DIMENSIONS,
    ActorFacts,
    countries,
    derive,
    official_languages,
    self_assessed,
)
from tests.matching.conftest import MakeProfile


def test_country_facts_cover_the_demo_countries_with_known_codes() -> None:
    facts = countries()
    for code in ("DE", "AU", "IT", "AR", "PE", "AT", "CN", "EE", "ES", "FI", "BR", "KR", "HR"):
        assert code in facts
    assert facts["DE"].income_group == "H"
    assert facts["DE"].legal_system == "civil"
    assert facts["AU"].legal_system == "common"
    assert "EU" in facts["HR"].blocs
    assert "EU" not in facts["AU"].blocs
    assert facts["PE"].income_group == "UM"


def test_a_profile_without_own_values_is_derived_from_its_country(
    match_profile: MakeProfile,
) -> None:
    tallinn = match_profile(1, "Tallinn", "EE", population=450_000)
    assert {d: tallinn.dimensions[d].source for d in DIMENSIONS} == dict.fromkeys(
        DIMENSIONS, "derived"
    )
    assert tallinn.value("legal") == "civil"
    assert tallinn.value("culture") == "ECA"
    assert tallinn.value("technology") == pytest.approx(0.9)  # high income and OECD
    assert tallinn.value("governance") == pytest.approx(0.35)  # unitary
    assert tallinn.languages == ("et",)
    assert tallinn.languages_source == "derived"
    assert "World Bank" in tallinn.dimensions["technology"].basis


def test_own_values_take_precedence_over_derived_ones(match_profile: MakeProfile) -> None:
    hamburg = match_profile(
        1,
        "Hamburg",
        "DE",
        languages=["de", "en"],
        dimensions={"technology": {"value": 0.6, "source": "self"}},
    )
    assert hamburg.dimensions["technology"].value == 0.6
    assert hamburg.dimensions["technology"].source == "self"
    assert hamburg.dimensions["governance"].source == "derived"
    assert hamburg.languages == ("de", "en")
    assert hamburg.languages_source == "self"


def test_a_profile_without_country_or_profile_leaves_values_unknown(
    match_profile: MakeProfile,
) -> None:
    network = match_profile(9, "A network", "", kind="network")
    assert all(network.dimensions[d].value is None for d in DIMENSIONS)
    assert all(network.dimensions[d].source == "unknown" for d in DIMENSIONS)
    assert network.languages == ()
    assert network.offers_source == "unknown"
    assert network.has_profile is False


def test_offers_come_from_cooperations_when_the_profile_does_not_say(
    match_profile: MakeProfile,
) -> None:
    found = match_profile(2, "Graz", "AT", cooperation_topics=("health", "health", "mobility"))
    assert found.offers == ("health", "mobility")
    assert found.offers_source == "derived"


def test_population_moves_economic_potential() -> None:
    facts = countries()["CN"]
    small = derive(ActorFacts(1, "a", country="CN", population=20_000), facts)
    large = derive(ActorFacts(2, "b", country="CN", population=30_000_000), facts)
    assert float(large["economic"].value or 0) > float(small["economic"].value or 0)


def test_official_languages_come_from_cldr() -> None:
    assert official_languages("BE") == ("nl", "fr", "de")
    assert official_languages("") == ()


def test_self_assessed_values_are_checked_and_name_the_field() -> None:
    assert self_assessed({"technology": 0.5, "legal": "common", "culture": "ECA"}) == {
        "technology": {"value": 0.5, "source": "self"},
        "legal": {"value": "common", "source": "self"},
        "culture": {"value": "ECA", "source": "self"},
    }
    with pytest.raises(InvalidInput) as error:
        self_assessed({"technology": 1.5})
    assert error.value.field == "dimensions.technology"
    with pytest.raises(InvalidInput) as error:
        self_assessed({"legal": "roman"})
    assert error.value.field == "dimensions.legal"
    with pytest.raises(InvalidInput):
        self_assessed({"charm": 0.5})
    assert self_assessed({"technology": None, "legal": ""}) == {}
