"""The matching API, pages and the benefit document's downloads."""

from __future__ import annotations

import io

from docx import Document
from fastapi.testclient import TestClient

from tests.accounts.conftest import sign_in
from tests.conftest import OrganiserFactory

GOAL = "topics=digital_transition&topics=mobility"


def test_matching_needs_an_organiser(client: TestClient, match_demo: dict[str, int]) -> None:
    hamburg = match_demo["Hamburg"]
    response = client.get(f"/api/v1/matching/actors/{hamburg}/matches")
    assert response.status_code == 401
    page = client.get(f"/knowledge/actors/{hamburg}/match", follow_redirects=False)
    assert page.status_code == 303  # a page visit goes to sign in, and back
    assert page.headers["location"] == f"/login?next=/knowledge/actors/{hamburg}/match"


def test_the_api_ranks_and_explains(
    client: TestClient, match_demo: dict[str, int], make_organiser: OrganiserFactory
) -> None:
    who = make_organiser()
    hamburg = match_demo["Hamburg"]
    response = client.get(
        f"/api/v1/matching/actors/{hamburg}/matches?topics=digital_transition,mobility&limit=3"
        "&w_network=0",
        headers=who.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["goal"]["topics"] == ["digital_transition", "mobility"]
    assert body["weights"]["network"] == 0
    assert len(body["matches"]) == 3
    first = body["matches"][0]
    assert {c["name"] for c in first["components"]} >= {"legal", "track_record", "network"}
    assert all(c["explanation"] for c in first["components"])
    assert body["actor"]["dimensions"]["technology"]["source"] == "self"

    bad = client.get(
        f"/api/v1/matching/actors/{hamburg}/matches?w_network=lots", headers=who.headers
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "w_network"
    unknown = client.get(
        f"/api/v1/matching/actors/{hamburg}/matches?topics=nope", headers=who.headers
    )
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "topics"


def test_the_api_reads_and_writes_a_profile(
    client: TestClient, match_demo: dict[str, int], make_organiser: OrganiserFactory
) -> None:
    who = make_organiser()
    graz = match_demo["Graz"]
    response = client.put(
        f"/api/v1/matching/actors/{graz}/profile",
        json={"offers": ["health"], "dimensions": {"legal": "civil", "technology": 0.7}},
        headers=who.headers,
    )
    assert response.status_code == 200, response.text
    body = client.get(f"/api/v1/matching/actors/{graz}/profile", headers=who.headers).json()
    assert body["offers"] == ["health"]
    assert body["dimensions"]["technology"] == {"value": 0.7, "source": "self", "basis": ""}
    assert body["dimensions"]["governance"]["source"] == "derived"
    refused = client.put(
        f"/api/v1/matching/actors/{graz}/profile",
        json={"dimensions": {"technology": 3}},
        headers=who.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "dimensions.technology"


def test_the_match_page_shows_the_form_and_explained_candidates(
    client: TestClient, match_demo: dict[str, int], make_organiser: OrganiserFactory
) -> None:
    who = make_organiser()
    sign_in(client, who.email, who.password)
    hamburg = match_demo["Hamburg"]
    empty = client.get(f"/knowledge/actors/{hamburg}/match")
    assert empty.status_code == 200
    assert "Find partners" in empty.text
    assert "Illustrative demonstration values" in empty.text
    assert "Self-assessed" in empty.text
    assert "Derived" in empty.text
    page = client.get(f"/knowledge/actors/{hamburg}/match?{GOAL}&w_track_record=50")
    assert page.status_code == 200
    assert "Potential-benefit analysis" in page.text
    assert "Network proximity" in page.text
    assert 'value="50"' in page.text
    refused = client.get(f"/knowledge/actors/{hamburg}/match?topics=nope")
    assert refused.status_code == 422
    assert "There is no topic" in refused.text


def test_the_benefit_page_edits_restores_and_downloads(
    client: TestClient, match_demo: dict[str, int], make_organiser: OrganiserFactory
) -> None:
    who = make_organiser()
    sign_in(client, who.email, who.password)
    hamburg, seoul = match_demo["Hamburg"], match_demo["Seoul"]
    base = f"/knowledge/actors/{hamburg}/match/{seoul}/benefit"
    page = client.get(f"{base}?{GOAL}")
    assert page.status_code == 200
    assert "Expected benefits" in page.text
    assert "Suggested first steps" in page.text
    saved = client.post(
        f"{base}/sections/risks",
        data={"text": "- <b>Time zones</b>: plan calls early.", "query": GOAL},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"].endswith(f"{base}?{GOAL}#section-risks")
    shown = client.get(f"{base}?{GOAL}")
    assert "&lt;b&gt;Time zones&lt;/b&gt;" in shown.text
    assert "<b>Time zones</b>" not in shown.text
    client.post(f"{base}/sections/risks", data={"text": "Second", "query": GOAL})
    api = client.get(f"/api/v1/matching/actors/{hamburg}/benefit/{seoul}?{GOAL}").json()
    assert api["sections"]["risks"] == "Second"
    assert api["edited"] is True

    from sqlalchemy import select

    from agora.core.db import Database
    from agora.matching.models import BenefitRevision

    database = Database(str(client.app.state.agora.settings.database_url))  # type: ignore[attr-defined]
    with database.session() as session:
        first = session.scalars(select(BenefitRevision).order_by(BenefitRevision.id)).first()
        assert first is not None
        first_id = first.id
    database.dispose()
    restored = client.post(f"{base}/revisions/{first_id}/restore", data={"query": GOAL})
    assert restored.status_code == 200
    assert "The earlier text is current again." in restored.text

    pdf = client.get(f"{base}.pdf?{GOAL}")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    docx = client.get(f"{base}.docx?{GOAL}")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "<b>Time zones</b>: plan calls early." in text
    assert "Why this candidate" in text
    markdown = client.get(f"{base}.md?{GOAL}")
    assert markdown.status_code == 200
    assert "## Risks" in markdown.text
    assert "\\<b\\>" in markdown.text or "&lt;b&gt;" in markdown.text
    assert client.get(f"{base}.exe").status_code == 404


def test_editing_an_analysis_needs_an_organiser(
    client: TestClient, match_demo: dict[str, int]
) -> None:
    hamburg, seoul = match_demo["Hamburg"], match_demo["Seoul"]
    response = client.post(
        f"/knowledge/actors/{hamburg}/match/{seoul}/benefit/sections/risks",
        data={"text": "x"},
        follow_redirects=False,
    )
    assert response.status_code in (401, 303)
    document = client.get(
        f"/knowledge/actors/{hamburg}/match/{seoul}/benefit.pdf", follow_redirects=False
    )
    assert document.status_code == 303
    assert document.headers["location"].startswith("/login?next=")


def test_the_profile_form_saves_self_assessed_values_and_keeps_a_refused_form(
    client: TestClient, match_demo: dict[str, int], make_organiser: OrganiserFactory
) -> None:
    who = make_organiser()
    sign_in(client, who.email, who.password)
    graz = match_demo["Graz"]
    form = client.get(f"/knowledge/actors/{graz}/match/profile")
    assert form.status_code == 200
    assert "Save the profile" in form.text
    saved = client.post(
        f"/knowledge/actors/{graz}/match/profile",
        data={
            "offers": ["health", "innovation_ecosystems"],
            "seeks": "mobility",
            "languages": "de, en",
            "dim_technology": "0,8",
            "dim_legal": "civil",
            "dim_culture": "",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/knowledge/actors/{graz}/match"
    body = client.get(f"/api/v1/matching/actors/{graz}/profile").json()
    assert body["offers"] == ["health", "innovation_ecosystems"]
    assert body["languages"] == ["de", "en"]
    assert body["dimensions"]["technology"] == {"value": 0.8, "source": "self", "basis": ""}
    assert body["dimensions"]["culture"]["source"] == "derived"
    refused = client.post(
        f"/knowledge/actors/{graz}/match/profile",
        data={"priorities": "Keep <this>", "dim_governance": "7"},
    )
    assert refused.status_code == 422
    assert "must be a number from 0 to 1" in refused.text
    assert "Keep &lt;this&gt;" in refused.text
