"""Scoring: each component on small hand-made cases, the weights, filters and ranking."""

from __future__ import annotations

import numpy as np
import pytest

from agora.core.errors import InvalidInput
from agora.matching.profiles import MatchProfile
from agora.matching.scoring import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    NEUTRAL,
    Candidates,
    CooperationFacts,
    Goal,
    Scores,
    build,
    haversine_km,
    hours_apart,
    score,
    topic_overlap,
    weights_from,
)
from tests.matching.conftest import MakeProfile

GOAL = Goal(topics=("digital_transition", "mobility"))


def component(c: Candidates, seeker: MatchProfile, actor_id: int, name: str, **kw: object) -> float:
    s = score(c, seeker, kw.pop("goal", GOAL), kw.pop("weights", None))  # type: ignore[arg-type]
    return float(s.matrix[c.index[actor_id], COMPONENTS.index(name)])


@pytest.fixture
def hamburg(match_profile: MakeProfile) -> MatchProfile:
    return match_profile(
        1,
        "Hamburg",
        "DE",
        lat=53.55,
        lon=9.99,
        zone="Europe/Berlin",
        offers=["energy_circular"],
        seeks=["digital_transition", "mobility"],
        languages=["de", "en"],
        dimensions={"technology": {"value": 0.8, "source": "self"}},
    )


def test_numeric_likeness_is_one_minus_the_difference(
    match_profile: MakeProfile, hamburg: MatchProfile
) -> None:
    near = match_profile(2, "Near", dimensions={"technology": {"value": 0.7, "source": "self"}})
    far = match_profile(3, "Far", dimensions={"technology": {"value": 0.1, "source": "self"}})
    c = build([hamburg, near, far])
    assert component(c, hamburg, 2, "technology") == pytest.approx(0.9)
    assert component(c, hamburg, 3, "technology") == pytest.approx(0.3)


def test_an_unknown_value_counts_as_neutral(
    match_profile: MakeProfile, hamburg: MatchProfile
) -> None:
    unknown = match_profile(2, "Nowhere")
    c = build([hamburg, unknown])
    for name in ("technology", "governance", "economic", "culture"):
        assert component(c, hamburg, 2, name) == pytest.approx(NEUTRAL)


def test_legal_likeness_weighs_family_and_shared_rules(
    match_profile: MakeProfile, hamburg: MatchProfile
) -> None:
    c = build(
        [
            hamburg,
            match_profile(2, "Graz", "AT"),  # civil law, EU
            match_profile(3, "Seoul", "KR"),  # civil law, no shared bloc
            match_profile(4, "Melbourne", "AU"),  # common law
            match_profile(5, "Cape Town", "ZA"),  # mixed
        ]
    )
    assert component(c, hamburg, 2, "legal") == pytest.approx(1.0)
    assert component(c, hamburg, 3, "legal") == pytest.approx(0.75)
    assert component(c, hamburg, 4, "legal") == pytest.approx(0.0)
    assert component(c, hamburg, 5, "legal") == pytest.approx(0.375)


def test_culture_counts_the_region_and_shared_languages(
    match_profile: MakeProfile, hamburg: MatchProfile
) -> None:
    c = build(
        [
            hamburg,
            match_profile(2, "Vienna", "AT"),  # same region, German
            match_profile(3, "Tallinn", "EE"),  # same region, Estonian
            match_profile(4, "Melbourne", "AU"),  # other region, English
        ]
    )
    assert component(c, hamburg, 2, "culture") == pytest.approx(1.0)
    assert component(c, hamburg, 3, "culture") == pytest.approx(0.5)
    assert component(c, hamburg, 4, "culture") == pytest.approx(0.5)


def test_complementarity_rewards_offering_what_is_sought_and_seeking_what_is_offered(
    match_profile: MakeProfile, hamburg: MatchProfile
) -> None:
    both = match_profile(
        2, "Both", offers=["digital_transition", "mobility"], seeks=["energy_circular"]
    )
    half = match_profile(3, "Half", offers=["mobility"], seeks=["health"])
    none = match_profile(4, "None", offers=["health"])
    unknown = match_profile(5, "Unknown")
    c = build([hamburg, both, half, none, unknown])
    assert component(c, hamburg, 2, "complementarity") == pytest.approx(1.0)
    assert component(c, hamburg, 3, "complementarity") == pytest.approx(0.35)
    assert component(c, hamburg, 4, "complementarity") == 0.0
    assert component(c, hamburg, 5, "complementarity") == 0.0


def test_track_record_grows_with_cooperations_and_their_outcomes(
    match_profile: MakeProfile, hamburg: MatchProfile
) -> None:
    a, b, x = match_profile(2, "A"), match_profile(3, "B"), match_profile(4, "X")
    coops = [
        CooperationFacts(1, (2, 4), ("mobility",), ("policy_adapted", "joint_project")),
        CooperationFacts(2, (3, 4), ("mobility",), ()),
        CooperationFacts(3, (3, 4), ("health",), ("policy_adapted",)),  # not on the goal
    ]
    c = build([hamburg, a, b, x], coops)
    with_outcomes = component(c, hamburg, 2, "track_record")
    without = component(c, hamburg, 3, "track_record")
    assert with_outcomes == pytest.approx(1 - np.exp(-(0.5 + 1.0 + 0.8) / 3))
    assert without == pytest.approx(1 - np.exp(-0.5 / 3))
    assert component(c, hamburg, 3, "track_record", goal=Goal(topics=("energy_circular",))) == 0.0


def test_network_proximity_counts_shared_networks_and_partners_of_partners(
    match_profile: MakeProfile, hamburg: MatchProfile
) -> None:
    partner, friend, member, stranger = (match_profile(i, n) for i, n in enumerate("PFMS", start=2))
    network = match_profile(9, "Eurocities", kind="network")
    coops = [CooperationFacts(1, (1, 2)), CooperationFacts(2, (2, 3))]
    c = build([hamburg, partner, friend, member, stranger, network], coops, [(1, 9), (4, 9)])
    assert component(c, hamburg, 3, "network") == pytest.approx(1 - np.exp(-0.7))
    assert component(c, hamburg, 4, "network") == pytest.approx(1 - np.exp(-0.5))
    assert component(c, hamburg, 5, "network") == 0.0


def test_practicalities_prefer_near_same_time_zone_and_a_shared_language(
    match_profile: MakeProfile, hamburg: MatchProfile
) -> None:
    vienna = match_profile(
        2, "Vienna", "AT", lat=48.21, lon=16.37, zone="Europe/Vienna", languages=["de"]
    )
    melbourne = match_profile(
        3, "Melbourne", "AU", lat=-37.81, lon=144.96, zone="Australia/Melbourne", languages=["en"]
    )
    lima = match_profile(
        4, "Lima", "PE", lat=-12.05, lon=-77.04, zone="America/Lima", languages=["es"]
    )
    c = build([hamburg, vienna, melbourne, lima])
    s = score(c, hamburg, GOAL)
    assert s.distance[c.index[2]] == pytest.approx(740, rel=0.05)
    assert s.hours[c.index[2]] == 0
    assert 8 <= s.hours[c.index[3]] <= 10
    col = COMPONENTS.index("practicalities")
    near, far, other = (s.matrix[c.index[i], col] for i in (2, 3, 4))
    assert near > far
    assert near > other
    # Lima shares no language with Hamburg; Melbourne shares English
    assert s.matrix[c.index[3], col] - np.exp(-s.distance[c.index[3]] / 6000) / 3 > 0.33


def test_haversine_and_hours_apart_wrap_around() -> None:
    assert haversine_km(0, 0, np.array([0.0]), np.array([180.0]))[0] == pytest.approx(
        20015, rel=1e-3
    )
    assert list(hours_apart(11.0, np.array([-11.0, 1.0]))) == [2.0, 10.0]


def test_weights_are_checked_and_scaled_to_one() -> None:
    assert sum(weights_from({}).values()) == pytest.approx(1.0)
    only = weights_from(dict.fromkeys(DEFAULT_WEIGHTS, 0.0) | {"network": 5})
    assert only["network"] == 1.0
    with pytest.raises(InvalidInput) as error:
        weights_from({"network": -1})
    assert error.value.field == "network"
    with pytest.raises(InvalidInput):
        weights_from(dict.fromkeys(DEFAULT_WEIGHTS, 0.0))
    with pytest.raises(InvalidInput) as error:
        weights_from({"charm": 1})
    assert error.value.field == "weights"


def test_weights_change_the_order(match_profile: MakeProfile, hamburg: MatchProfile) -> None:
    offers = match_profile(2, "Offers", offers=["digital_transition", "mobility"])
    close = match_profile(
        3,
        "Close",
        "DE",
        lat=53.0,
        lon=10.0,
        zone="Europe/Berlin",
        languages=["de"],
        offers=["health"],
    )
    c = build([hamburg, offers, close])
    by_topic = score(c, hamburg, GOAL, dict.fromkeys(DEFAULT_WEIGHTS, 0.0) | {"complementarity": 1})
    by_place = score(c, hamburg, GOAL, dict.fromkeys(DEFAULT_WEIGHTS, 0.0) | {"practicalities": 1})
    assert [c.profiles[r].actor.name for r in by_topic.top(2)] == ["Offers", "Close"]
    assert [c.profiles[r].actor.name for r in by_place.top(2)] == ["Close", "Offers"]
    total = by_topic.total[c.index[2]]
    assert total == pytest.approx(by_topic.matrix[c.index[2], COMPONENTS.index("complementarity")])


def test_the_actor_its_partners_and_networks_are_not_candidates(
    match_profile: MakeProfile, hamburg: MatchProfile
) -> None:
    partner = match_profile(2, "Partner", area="europe")
    other = match_profile(3, "Other", area="asia")
    region = match_profile(4, "Region", kind="region", area="europe")
    network = match_profile(5, "Network", kind="network")
    c = build([hamburg, partner, other, region, network], [CooperationFacts(1, (1, 2))])

    def names(s: Scores) -> list[str]:
        return sorted(c.profiles[r].actor.name for r in s.top(10))

    assert names(score(c, hamburg, GOAL)) == ["Other", "Region"]
    assert names(score(c, hamburg, GOAL, exclude_partners=False)) == ["Other", "Partner", "Region"]
    assert names(score(c, hamburg, Goal(GOAL.topics, world_areas=("europe",)))) == ["Region"]
    assert names(score(c, hamburg, Goal(GOAL.topics, kinds=("network",)))) == ["Network"]


def test_the_goal_defaults_to_the_profile(
    match_profile: MakeProfile, hamburg: MatchProfile
) -> None:
    c = build([hamburg, match_profile(2, "A", offers=["mobility"])])
    s = score(c, hamburg, None)
    assert s.goal.topics == ("digital_transition", "mobility")
    assert s.matrix[c.index[2], COMPONENTS.index("complementarity")] == pytest.approx(0.35)


def test_topic_overlap_baseline_counts_any_work_on_the_topics(
    match_profile: MakeProfile, hamburg: MatchProfile
) -> None:
    c = build([hamburg, match_profile(2, "A", seeks=["mobility"]), match_profile(3, "B")])
    overlap = topic_overlap(c, GOAL)
    assert overlap[c.index[2]] == 0.5
    assert overlap[c.index[3]] == 0.0


def test_ranking_many_candidates_returns_the_best_first() -> None:
    from agora.matching.profiles import ActorFacts, merge

    rng = np.random.default_rng(1)
    profiles = [
        merge(
            ActorFacts(i, f"a{i}", country="DE"),
            {"offers": ["mobility"] if rng.random() < 0.3 else ["health"]},
        )
        for i in range(1, 2001)
    ]
    c = build(profiles)
    s = score(c, profiles[0], GOAL)
    top = s.top(10)
    assert len(top) == 10
    values = [s.total[r] for r in top]
    assert values == sorted(values, reverse=True)
    assert max(s.total[s.eligible]) == values[0]
