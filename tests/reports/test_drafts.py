"""Proposed sentences of the report's narrative, checked against hand-computed figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from agora.demo.reference import create_reference_session
from agora.polls.kinds import make_tally, with_method_label
from agora.polls.services import spec_from_config
from agora.reports.drafts import Draft, drafts
from agora.reports.model import Impact, Lesson, Participation, QuestionResult, Report, build_report

AREAS = [{"id": "asia", "label": "Asia"}, {"id": "latam", "label": "Latin America"}]
AREAS.append({"id": "africa", "label": "Africa"})


def ranking(ballots: list[list[str]]) -> QuestionResult:
    """Return a ranking question's result, counted by the default (positional) method."""
    spec = spec_from_config("ranking", {"options": AREAS})
    tally = make_tally(spec)
    for order in ballots:
        tally.add({"ranking": order})
    details = tally.result("average_rank")["details"]["distribution"]
    return QuestionResult(
        question_id=5,
        poll_title="World areas",
        poll_state="closed",
        position=0,
        questions_in_poll=1,
        kind="ranking",
        prompt="Where next?",
        responses=len(ballots),
        simulated_responses=0,
        result=with_method_label(tally.result(None)),
        rank_distribution=[
            {
                "label": o["label"],
                "positions": list(details[o["id"]]["positions"]),
                "unranked": details[o["id"]]["unranked"],
            }
            for o in AREAS
        ],
    )


def small_report(**changes: Any) -> Report:
    """Return a report of 10 registered, 8 checked in, 1 walk-in, 12 seats, 4 ballots."""
    partner = {"organisation": "Ciudad Amiga", "country": "AR", "world_area": "latin_america"}
    lesson = Lesson(
        speaker_name="",
        organisation="Region A",
        place="A",
        country="HR",
        partners=[partner, {"place": "Chengdu", "country": "CN", "world_area": "asia"}],
        topics=["tourism", "energy"],
        outcomes=[{"kind": "memorandum"}],
        lesson="",
    )
    values: dict[str, Any] = {
        "generated_at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        "code": "SMALL1",
        "title": "Small session",
        "starts_on": dt.date(2024, 1, 1),
        "ends_on": dt.date(2024, 1, 1),
        "venue": "Zagreb",
        "description": "",
        "language": "en",
        "agenda": [],
        "participation": Participation(
            registered=10,
            checked_in=8,
            walk_ins=1,
            present=9,
            no_shows=2,
            seats=12,
            occupancy=0.75,
            joined_live=9,
            organisation_types={"region": 6, "city": 3},
            countries={"HR": 9},
            simulated=False,
        ),
        "lessons": [lesson, dataclasses.replace(lesson, topics=["tourism"], partners=[])],
        "impact": Impact(
            outcomes_by_kind={"memorandum": 2},
            topics={"tourism": 2, "energy": 1},
            partner_world_areas={"asia": 1, "latin_america": 1},
            partner_countries={"AR": 1, "CN": 1},
        ),
        "polls": [
            ranking(
                [
                    ["latam", "asia", "africa"],
                    ["latam", "africa", "asia"],
                    ["asia", "latam", "africa"],
                    ["latam", "asia", "africa"],
                ]
            )
        ],
        "audience_questions": [],
        "registrations": [],
    }
    values.update(changes)
    return Report(**values)


def by_key(found: list[Draft]) -> dict[str, Draft]:
    return {d.key: d for d in found}


def test_the_small_reports_sentences_rest_on_its_figures() -> None:
    found = by_key(drafts(small_report()))
    assert found["attendance"].text == "9 people took part: 90% of the 10 registrations."
    assert found["attendance"].figures == ["Registered 10", "Present 9"]
    assert found["walk-ins"].text == (
        "8 registered people checked in, and 1 person came without registering (a walk-in)."
    )
    assert found["occupancy"].text == "The room was 75% full: 9 people for 12 seats."
    assert found["audience"].text == (
        "By kind of organisation, the 9 people counted came from: Region 67% and City 33%."
    )
    # Positional: 3 points for a first place. Latin America 3+3+2+3 = 11, Asia 2+1+3+2 = 8,
    # Africa 1+2+1+1 = 5 over 4 ballots: 2.75, 2 and 1.25.
    assert found["ranking-first-5"].text == (
        "Latin America was the most wanted answer to “Where next?”: 75% of the 4 ballots "
        "placed it first."
    )
    assert found["ranking-first-5"].figures == ["Ballots 4", "First places for Latin America 3"]
    assert found["ranking-margin-5"].text == (
        "Its lead over Asia is clear: a score of 2.75 against 2."
    )
    assert found["ranking-last-5"].text == (
        "Africa was the least wanted (1.25); 75% of the ballots placed it last."
    )
    assert (
        found["outcomes"].text
        == "The lessons report 2 outcomes, most often: memorandum of understanding (2)."
    )
    assert found["topics"].text == "1 topic recurs across the lessons: tourism (2 lessons)."
    assert found["partners"].text == "The lessons name 2 partners: Ciudad Amiga and Chengdu."
    assert found["world-areas"].text == (
        "By world area, the 2 partners placed are in: Asia (1) and Latin America and the "
        "Caribbean (1)."
    )
    sections = {d.key: d.section for d in drafts(small_report())}
    assert sections["attendance"] == "introduction"
    assert sections["ranking-first-5"] == "conclusions"
    assert sections["topics"] == "impact"


def test_counts_of_one_are_singular() -> None:
    one = Participation(
        registered=1,
        checked_in=1,
        walk_ins=1,
        present=2,
        no_shows=0,
        seats=1,
        occupancy=2.0,
        joined_live=1,
        organisation_types={"city": 1},
        countries={},
        simulated=False,
    )
    found = by_key(drafts(small_report(participation=one)))
    assert found["attendance"].text == (
        "Attendance exceeded registrations: 2 people took part, against 1 registration."
    )
    assert found["walk-ins"].text == (
        "1 registered person checked in, and 1 person came without registering (a walk-in)."
    )
    assert found["occupancy"].text == "The room was full: 2 people for 1 seat."
    assert "the 1 person counted" in found["audience"].text


def test_a_report_without_data_proposes_nothing() -> None:
    empty = Participation(0, 0, 0, 0, 0, None, None, 0, {}, {}, False)
    report = small_report(participation=empty, lessons=[], polls=[], impact=Impact({}, {}, {}, {}))
    assert drafts(report) == []


def test_sentences_are_written_in_the_events_language() -> None:
    found = by_key(drafts(small_report(language="fr")))
    assert found["attendance"].text == "9 personnes ont participé : 90\xa0% des 10 inscriptions."
    assert "Registered" not in " ".join(found["attendance"].figures)


@pytest.fixture
def reference(session: Session) -> Report:
    return build_report(session, create_reference_session(session, simulate_ballots=120))


def test_the_reference_sessions_sentences(reference: Report) -> None:
    found = by_key(drafts(reference))
    assert found["attendance"].text == (
        "Attendance exceeded registrations: 144 people took part, against 128 registrations."
    )
    assert found["attendance"].figures == ["Registered 128", "Present 144"]
    assert found["walk-ins"].text == (
        "116 registered people checked in, and 28 people came without registering (walk-ins)."
    )
    assert found["occupancy"].text == "The room was full: 144 people for 144 seats."
    assert found["occupancy"].figures == ["Present 144", "Seats 144"]
    # 40 cities, 38 regions, 28 other of 144 present: 28%, 26%, 19%.
    assert found["audience"].text.startswith(
        "By kind of organisation, the 144 people counted came from: City 28%, Region 26%, "
        "Other 19%, NGO or non-profit 10%"
    )
    ranking = next(p for p in reference.polls if p.kind == "ranking")
    first = next(d for d in drafts(reference) if d.key == f"ranking-first-{ranking.question_id}")
    # 35 of the 120 ballots put Latin America first: 29%.
    assert first.text.startswith("Latin America and the Caribbean was the most wanted answer")
    assert "29% of the 120 ballots placed it first" in first.text
    margin = found[f"ranking-margin-{ranking.question_id}"]
    assert margin.text == "Its lead over Asia is modest: a score of 3.48 against 3.24."
    last = found[f"ranking-last-{ranking.question_id}"]
    assert last.text == "Africa was the least wanted (2.39); 44% of the ballots placed it last."
    assert found["topics"].text == (
        "1 topic recurs across the lessons: digital public services (2 lessons)."
    )
    assert found["outcomes"].text.startswith("The lessons report 17 outcomes, most often: ")
    assert found["world-areas"].text == (
        "By world area, the 11 partners placed are in: Asia (3), Europe (3), Latin America "
        "and the Caribbean (3), and Oceania (2)."
    )
    assert found["partners"].text.startswith("The lessons name 11 partners: City of Melbourne")


@pytest.mark.parametrize("language", ["pt", "pt-PT"])
def test_a_portuguese_report_is_written_in_european_portuguese(language: str) -> None:
    found = by_key(drafts(small_report(language=language)))
    assert found["attendance"].text == "Participaram 9 pessoas: 90% das 10 inscrições."
