"""Checking a takeaway's values: every field's bad values are refused with their path."""

from __future__ import annotations

from typing import Any

import pytest

from agora.core.errors import InvalidInput
from agora.takeaways import fields
from agora.takeaways.forms import form_field, takeaway_from_form
from tests.takeaways.conftest import hamburg


def refused(data: dict[str, Any]) -> InvalidInput:
    with pytest.raises(InvalidInput) as error:
        fields.clean_takeaway(data)
    return error.value


def test_the_reference_takeaway_is_valid_and_normalized() -> None:
    cleaned = fields.clean_takeaway(hamburg(country="de", topics=[" ICT ", "ict", ""]))
    assert cleaned["country"] == "DE"
    assert cleaned["topics"] == ["ICT"]  # stripped, no blanks, no repeats
    assert cleaned["partners"][0] == {
        "organisation": "",
        "place": "Melbourne",
        "country": "AU",
        "world_area": "oceania",
    }
    assert cleaned["outcomes"] == [
        {"kind": "expert_exchange", "description": "Planned expert exchanges", "date": ""}
    ]


PARTNER = {"organisation": "Piura", "place": "", "country": "PE", "world_area": "latin_america"}
OUTCOME = {"kind": "memorandum", "description": "MoU on e-sport", "date": "2024-05-01"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"speaker_name": "n" * 201}, "speaker_name"),
        ({"organisation": "o" * 301}, "organisation"),
        ({"place": "p" * 201}, "place"),
        ({"speaker_name": "", "organisation": "", "place": ""}, "organisation"),
        ({"country": "DEU"}, "country"),
        ({"country": "D1"}, "country"),
        ({"country": 49}, "country"),
        ({"lesson": ""}, "lesson"),
        ({"lesson": "   "}, "lesson"),
        ({"lesson": "l" * 5001}, "lesson"),
        ({"topics": ["t"] * 11}, "topics"),
        ({"topics": ["ok", "t" * 81]}, "topics[1]"),
        ({"topics": "one, two"}, "topics"),
        ({"topics": ["ok", 3]}, "topics[1]"),
        ({"partners": [PARTNER] * 21}, "partners"),
        ({"partners": [PARTNER, {**PARTNER, "world_area": "Mars"}]}, "partners[1].world_area"),
        ({"partners": [PARTNER, {**PARTNER, "country": "Peru"}]}, "partners[1].country"),
        ({"partners": [{**PARTNER, "organisation": "o" * 301}]}, "partners[0].organisation"),
        ({"partners": [{**PARTNER, "place": "p" * 201}]}, "partners[0].place"),
        ({"partners": [{**PARTNER, "organisation": "", "place": ""}]}, "partners[0].organisation"),
        ({"partners": [{**PARTNER, "colour": "red"}]}, "partners[0].colour"),
        ({"partners": ["Piura"]}, "partners[0]"),
        ({"partners": {"organisation": "Piura"}}, "partners"),
        ({"outcomes": [OUTCOME] * 21}, "outcomes"),
        ({"outcomes": [{**OUTCOME, "kind": "treaty"}]}, "outcomes[0].kind"),
        ({"outcomes": [OUTCOME, {**OUTCOME, "kind": ""}]}, "outcomes[1].kind"),
        ({"outcomes": [{**OUTCOME, "description": "d" * 301}]}, "outcomes[0].description"),
        (
            {"outcomes": [{**OUTCOME, "kind": "other", "description": ""}]},
            "outcomes[0].description",
        ),
        ({"outcomes": [{**OUTCOME, "date": "10/10/2023"}]}, "outcomes[0].date"),
        ({"outcomes": [{**OUTCOME, "date": "2023-02-30"}]}, "outcomes[0].date"),
        ({"outcomes": [{**OUTCOME, "date": "20231010"}]}, "outcomes[0].date"),
        ({"outcomes": [{**OUTCOME, "date": "2023"}]}, "outcomes[0].date"),
        ({"rating": 5}, "rating"),
    ],
)
def test_bad_values_are_refused_with_their_path(changes: dict[str, Any], field: str) -> None:
    error = refused(hamburg(**changes))
    assert error.field == field
    assert error.message


def test_messages_say_which_row_and_what_to_do() -> None:
    error = refused(hamburg(partners=[PARTNER, {**PARTNER, "world_area": "Mars"}]))
    assert error.message.startswith("Partner 2:")
    assert "Latin America and the Caribbean" in error.message
    error = refused(hamburg(outcomes=[{**OUTCOME, "date": "10/10/2023"}]))
    assert "2023-10-10" in error.message


def test_blank_rows_are_left_out_and_rows_keep_their_positions_in_errors() -> None:
    blank_partner = {"organisation": "", "place": " ", "country": "", "world_area": ""}
    blank_outcome = {"kind": "", "description": "", "date": ""}
    cleaned = fields.clean_takeaway(
        hamburg(partners=[blank_partner, PARTNER], outcomes=[OUTCOME, blank_outcome])
    )
    assert cleaned["partners"] == [PARTNER]
    assert cleaned["outcomes"] == [OUTCOME]
    error = refused(hamburg(partners=[blank_partner, {**PARTNER, "world_area": "x"}]))
    assert error.field == "partners[1].world_area"


def test_world_area_may_be_given_by_its_english_name() -> None:
    cleaned = fields.clean_partners([{**PARTNER, "world_area": "middle east"}])
    assert cleaned[0]["world_area"] == "middle_east"
    assert set(fields.world_areas()) == {
        "europe", "asia", "oceania", "latin_america", "north_america", "africa", "middle_east"
    }  # fmt: skip


def test_every_outcome_kind_is_accepted() -> None:
    outcomes = [{"kind": kind, "description": "d", "date": ""} for kind in fields.outcome_kinds()]
    assert len(fields.clean_outcomes(outcomes)) == 8


def test_who_may_be_a_name_an_organisation_or_a_place_alone() -> None:
    for who in ["speaker_name", "organisation", "place"]:
        data = hamburg(speaker_name="", organisation="", place="")
        data[who] = "Murcia"
        assert fields.clean_takeaway(data)[who] == "Murcia"


def test_lesson_keeps_its_lines_and_loses_control_characters() -> None:
    cleaned = fields.clean_takeaway(hamburg(lesson="First.\r\nSecond\x00 line.\x07"))
    assert cleaned["lesson"] == "First.\nSecond  line."


class Form:
    """A form's fields as Starlette gives them."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items

    def multi_items(self) -> list[tuple[str, str]]:
        return self.items

    def get(self, name: str) -> str | None:
        return next((v for k, v in self.items if k == name), None)


def test_form_fields_become_a_takeaway_with_its_rows_in_order() -> None:
    form = Form(
        [
            ("speaker_name", "Ana"),
            ("lesson", "Learn"),
            ("topics", "e-sport; VR, ,gaming"),
            ("partners-1-place", "Chongqing"),
            ("partners-1-world_area", "asia"),
            ("partners-0-place", ""),
            ("partners-12-place", "Zhong county"),
            ("partners-0-evil", "x"),
            ("outcomes-0-kind", "memorandum"),
            ("outcomes-0-date", ""),
            ("back", "participant"),
        ]
    )
    data = takeaway_from_form(form)
    assert data["topics"] == ["e-sport", "VR", "gaming"]
    assert [p["place"] for p in data["partners"]] == ["", "Chongqing", "Zhong county"]
    assert data["partners"][1] == {
        "organisation": "",
        "place": "Chongqing",
        "country": "",
        "world_area": "asia",
    }
    assert data["outcomes"] == [{"kind": "memorandum", "description": "", "date": ""}]
    cleaned = fields.clean_takeaway(data)
    assert [p["place"] for p in cleaned["partners"]] == ["Chongqing", "Zhong county"]
    assert "speaker_name" not in takeaway_from_form(form, who=False)


def test_error_paths_point_at_form_fields() -> None:
    assert form_field("partners[1].world_area") == "partners-1-world_area"
    assert form_field("outcomes[0].date") == "outcomes-0-date"
    assert form_field("topics[3]") == "topics"
    assert form_field("lesson") == "lesson"
    assert form_field(None) == ""
