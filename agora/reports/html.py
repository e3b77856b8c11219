"""The report as an HTML page: one Jinja2 template for the web page and for the PDF.

Everything participants typed goes through autoescape; only the chart SVG (made here by
matplotlib) and the report stylesheet are inserted as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from jinja2 import Environment, FileSystemLoader, select_autoescape

from agora.core.i18n import (
    _,
    babel_locale,
    current_language,
    gettext,
    ngettext,
    npgettext,
    pgettext,
    set_language,
    supported,
)
from agora.events.times import in_zone
from agora.polls.kinds.table import Format, Scalar, say
from agora.polls.voting import rule_labels
from agora.registrations.pages import organisation_types
from agora.reports.charts import chart_alt, chart_svg
from agora.reports.model import Report
from agora.reports.narrative import to_html as narrative_html
from agora.takeaways.fields import outcome_kinds, world_areas

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The report stylesheet: linked from the web page (CSP ``style-src 'self'``), inlined in PDFs.
CSS_PATH = Path(__file__).resolve().parent.parent / "web" / "static" / "report.css"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Return the report's own Jinja2 environment (autoescaped, with gettext installed)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    return env


def _locale(language: str) -> Locale:
    """Return the Babel locale of ``language`` (``pt`` is ``pt_PT``; English for others)."""
    return babel_locale(language)


def format_dates(report: Report) -> str:
    """Return the session's date(s) and start in its language and time zone.

    E.g. ``10 October 2023, 14:30 (Europe/Brussels)``.
    """
    locale = _locale(report.language)
    # each language's own long date ("10 de outubro de 2023", "10. listopada 2023."); English
    # keeps the day first, as the programme writes it, rather than Babel's American order
    pattern = "d MMMM y" if locale.language == "en" else "long"
    days = format_date(report.starts_on, pattern, locale=locale)
    if report.ends_on and report.ends_on != report.starts_on:
        days = f"{days} – {format_date(report.ends_on, pattern, locale=locale)}"
    if report.start_time is not None:
        days = f"{days}, {report.start_time:%H:%M}"
    return f"{days} ({report.time_zone})"


def labels() -> dict[str, dict[str, str]]:
    """Return the names of stored codes in the current language, by kind of code."""
    return {
        "organisation_type": dict(organisation_types()),
        "world_area": world_areas(),
        "outcome": outcome_kinds(),
    }


def contents(report: Report) -> list[tuple[str, str]]:
    """Return the report's sections as (anchor, heading), for its table of contents."""
    out = [
        ("h-introduction", _("Introduction")),
        ("h-methodology", _("Methodology")),
        ("h-participation", _("Participation")),
        ("h-lessons", _("Lessons shared")),
        ("h-impact", _("Impact")),
        ("h-polls", _("Poll results")),
        ("h-qa", _("Questions from the audience")),
    ]
    if report.narrative.get("conclusions"):
        out.append(("h-conclusions", _("Conclusions")))
    if any(q.responses and q.table.chart != "cards" for q in report.polls):
        out.append(("h-appendix", _("Appendix: poll data")))
    if report.annex:
        out.append(("h-annex", _("Annex: participants")))
    return out


def humanize(value: str) -> str:
    """Return a stored code such as ``expert_exchange`` as words (``Expert exchange``)."""
    words = value.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def number(value: float) -> str:
    """Return ``value`` with at most two decimals (whole numbers without any)."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def language_namer(language: str) -> dict[str, str]:
    """Return the language names of ``language`` by ISO 639 code."""
    return dict(_locale(language).languages)


def country_namer(language: str) -> dict[str, str]:
    """Return the country names of ``language`` by ISO 3166 code."""
    return dict(_locale(language).territories)


def cell_text(value: Scalar, fmt: Format) -> str:
    """Return a result table's cell as the documents print it: shares as percentages."""
    if fmt is Format.share:
        return f"{float(value or 0) * 100:.0f}%"
    if isinstance(value, float):
        return number(value)
    return "" if value is None else str(value)


def to_html(
    report: Report,
    *,
    for_pdf: bool = False,
    downloads: Sequence[tuple[str, str]] | None = None,
) -> str:
    """Render ``report`` as a standalone HTML page.

    ``for_pdf``: for WeasyPrint (no linked stylesheet); ``downloads``: (label, URL) of the
    report's files, listed on the page when Agora serves it (never in a saved file).
    """
    previous = current_language()
    set_language(supported(report.language) or "en")
    try:
        return _render(report, for_pdf=for_pdf, downloads=downloads)
    finally:
        set_language(previous)


def _render(report: Report, *, for_pdf: bool, downloads: Sequence[tuple[str, str]] | None) -> str:
    """Render ``report`` in the current language."""
    names = country_namer(report.language)
    languages = language_namer(report.language)
    named = labels()
    generated = in_zone(report.generated_at, report)
    template = environment().get_template("reports/report.html")
    return template.render(
        report=report,
        for_pdf=for_pdf,
        css=CSS_PATH.read_text(encoding="utf-8"),
        dates=format_dates(report),
        generated=format_datetime(
            generated, "d MMMM y, HH:mm", tzinfo=generated.tzinfo, locale=_locale(report.language)
        )
        + f" ({report.time_zone})",
        charts={q.question_id: chart_svg(q) for q in report.polls},
        alts={q.question_id: chart_alt(q) for q in report.polls},
        say=say,
        voting_rules={rule.value: label for rule, label in rule_labels().items()},
        contents=contents(report),
        downloads=downloads,
        label=lambda kind, code: named[kind].get(code) or humanize(code),
        language=lambda code: languages.get(code, code),
        prose=narrative_html,
        cell=cell_text,
        humanize=humanize,
        number=number,
        country=lambda code: names.get(code.upper(), code) if code else "",
    )
