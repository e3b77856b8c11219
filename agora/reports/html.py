"""The report as an HTML page: one Jinja2 template for the web page and for the PDF.

Everything participants typed goes through autoescape; only the chart SVG (made here by
matplotlib) and the report stylesheet are inserted as they are.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from jinja2 import Environment, FileSystemLoader, select_autoescape

from agora.core.i18n import current_language, gettext, ngettext, set_language, supported
from agora.events.times import in_zone
from agora.polls.kinds.table import Format, Scalar, say
from agora.reports.charts import chart_alt, chart_svg
from agora.reports.model import Report
from agora.reports.narrative import to_html as narrative_html

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
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def _locale(language: str) -> Locale:
    """Return the Babel locale of ``language`` (English when Babel does not know it)."""
    try:
        return Locale.parse(language or "en")
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def format_dates(report: Report) -> str:
    """Return the session's date(s) and start in its language and time zone.

    E.g. ``10 October 2023, 14:30 (Europe/Brussels)``.
    """
    locale = _locale(report.language)
    days = format_date(report.starts_on, "d MMMM y", locale=locale)
    if report.ends_on and report.ends_on != report.starts_on:
        days = f"{days} – {format_date(report.ends_on, 'd MMMM y', locale=locale)}"
    if report.start_time is not None:
        days = f"{days}, {report.start_time:%H:%M}"
    return f"{days} ({report.time_zone})"


def humanize(value: str) -> str:
    """Return a stored code such as ``expert_exchange`` as words (``Expert exchange``)."""
    words = value.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def number(value: float) -> str:
    """Return ``value`` with at most two decimals (whole numbers without any)."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")


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


def to_html(report: Report, *, for_pdf: bool = False) -> str:
    """Render ``report`` as a standalone HTML page (``for_pdf``: stylesheet inlined)."""
    previous = current_language()
    set_language(supported(report.language) or "en")
    try:
        return _render(report, for_pdf=for_pdf)
    finally:
        set_language(previous)


def _render(report: Report, *, for_pdf: bool) -> str:
    """Render ``report`` in the current language."""
    names = country_namer(report.language)
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
        prose=narrative_html,
        cell=cell_text,
        humanize=humanize,
        number=number,
        country=lambda code: names.get(code.upper(), code) if code else "",
    )
