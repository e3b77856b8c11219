"""The report as a tagged PDF (PDF/UA-1), rendered by WeasyPrint from the web report's HTML."""

from __future__ import annotations

from weasyprint import HTML

from agora.reports.html import TEMPLATES, to_html
from agora.reports.model import Report

#: PDF/UA-1: a tagged PDF with the document's language and title, for screen readers.
PDF_VARIANT = "pdf/ua-1"


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """Refuse every resource fetch: the report is self-contained and requests nothing."""
    raise ValueError(f"The report does not load external resources ({url[:80]}).")


def to_pdf(report: Report) -> bytes:
    """Render ``report`` as A4 PDF bytes, tagged for accessibility (PDF/UA-1)."""
    document = HTML(
        string=to_html(report, for_pdf=True),
        base_url=str(TEMPLATES),
        url_fetcher=_no_fetch,
    )
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None
    return bytes(pdf)
