"""The explanation of each component: values, where they came from, what was counted."""

from __future__ import annotations

import datetime as dt

from agora.core.i18n import set_language
from agora.matching.explain import explain
from agora.matching.scoring import COMPONENTS, CooperationFacts, Goal, build, score
from tests.matching.conftest import MakeProfile


def _explained(match_profile: MakeProfile) -> dict[str, str]:
    hamburg = match_profile(
        1,
        "Hamburg",
        "DE",
        lat=53.55,
        lon=9.99,
        zone="Europe/Berlin",
        offers=["energy_circular"],
        languages=["de", "en"],
        dimensions={"technology": {"value": 0.8, "source": "self"}},
    )
    seoul = match_profile(
        2,
        "Seoul",
        "KR",
        lat=37.57,
        lon=126.98,
        zone="Asia/Seoul",
        offers=["digital_transition"],
        seeks=["energy_circular"],
        languages=["ko", "en"],
    )
    helsinki = match_profile(3, "Helsinki", "FI")
    network = match_profile(4, "Metropolis", kind="network")
    coops = [
        CooperationFacts(1, (2, 3), ("digital_transition",), ("policy_adapted", "memorandum")),
        CooperationFacts(2, (1, 3), ("mobility",), ()),
    ]
    c = build(
        [hamburg, seoul, helsinki, network],
        coops,
        [(1, 4), (2, 4)],
        at=dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC),
    )
    s = score(c, hamburg, Goal(topics=("digital_transition", "mobility")))
    found = explain(c, s, c.index[2], 1, {"digital_transition": "Digital transition"})
    assert [x.name for x in found.components] == list(COMPONENTS)
    return {x.name: x.explanation for x in found.components}


def test_every_component_says_where_it_came_from(match_profile: MakeProfile) -> None:
    set_language("en")
    text = _explained(match_profile)
    assert text["technology"] == (
        "Seoul: 0.90 (derived: World Bank income group H, OECD); Hamburg: 0.80 (self-assessed)."
    )
    assert "common-law" not in text["legal"]
    assert "civil-law" in text["legal"]
    assert "East Asia and Pacific" in text["culture"]
    assert "Shared languages: English." in text["culture"]
    assert text["complementarity"] == (
        "Seoul offers 1 of the 2 topics sought: Digital transition (from its profile). "
        "It seeks what Hamburg offers: energy_circular."
    )
    assert text["track_record"] == (
        "1 cooperation of Seoul on these topics, with these outcomes: "
        "Policy adapted, Memorandum of understanding."
    )
    assert text["network"] == "Networks in common: Metropolis. Partners in common: Helsinki."
    assert text["practicalities"] == (
        "8,220 km apart; time difference: 8 h; a shared language (English)."
    )


def test_unknown_values_are_said_to_count_as_neutral(match_profile: MakeProfile) -> None:
    set_language("en")
    hamburg = match_profile(1, "Hamburg", "DE")
    nowhere = match_profile(2, "Nowhere")
    c = build([hamburg, nowhere])
    s = score(c, hamburg, Goal(topics=("mobility",)))
    text = {x.name: x.explanation for x in explain(c, s, 1, 1).components}
    assert text["technology"] == "No value for Nowhere, so it counts as neutral (0.5)."
    assert text["complementarity"] == "Nothing is known of what Nowhere offers."
    assert text["track_record"] == "No recorded cooperation of Nowhere on these topics."
    assert text["network"] == "No network or partner in common."
    assert text["practicalities"] == (
        "Distance unknown; time difference unknown; languages unknown."
    )


def test_explanations_are_translated(match_profile: MakeProfile) -> None:
    set_language("de")
    try:
        text = _explained(match_profile)
    finally:
        set_language("en")
    assert "selbst eingeschätzt" in text["technology"]
