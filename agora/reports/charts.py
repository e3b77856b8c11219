"""Charts of poll results: SVG (text kept as text) for the web and PDF report, PNG for DOCX.

Every function is pure: a :class:`QuestionResult` in, a chart out, drawn from its neutral
result table. Tables of cards (open text) get no chart (their answers are listed), nor do
questions nobody answered.
"""

from __future__ import annotations

import io
import re
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from agora.core.i18n import gettext as _
from agora.polls.kinds.table import Chart, Format, ResultTable, Row, Scalar, say
from agora.reports.model import QuestionResult

#: Okabe–Ito: distinct for the common kinds of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"]
INK = "#111111"
#: The most bars a chart shows (word clouds: the most frequent words, listed first).
MAX_BARS = 15

#: Typed loosely: matplotlib types rcParams keys as literals.
_STYLE: Any = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "agora-report",
    "svg.id": None,
    # what participants typed is text, never a formula: "$\\foo$" must not reach mathtext
    "text.parse_math": False,
}


@dataclass(frozen=True)
class Bars:
    """What a chart draws: labelled values, how to print them, a title and its orientation."""

    labels: list[str]
    values: list[float]
    texts: list[str]
    title: str
    value_axis: str
    horizontal: bool
    #: The values are counts: the axis shows whole numbers only.
    integer: bool = False


def _number(value: float) -> str:
    """Return ``value`` printed briefly (whole numbers without decimals)."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _shorten(label: str, width: int = 40) -> str:
    """Return ``label`` cut to ``width`` characters with an ellipsis."""
    return label if len(label) <= width else label[: width - 1] + "…"


def _bars(question: QuestionResult) -> Bars | None:
    """Return the bars of ``question``'s chart, or None when it has no chart."""
    table = question.table
    if question.responses == 0 or table.value is None or table.chart is Chart.cards:
        return None
    rows = table.rows[:MAX_BARS]
    labels = [str(cell) for cell in table.cells(table.label)[:MAX_BARS]]
    values = [float(cell or 0) for cell in table.cells(table.value)[:MAX_BARS]]
    return Bars(
        labels,
        values,
        [_figure_text(table, row) for row in rows],
        say(table.title),
        say(table.axis),
        table.chart is not Chart.columns,
        table.column(table.value).format is Format.integer,
    )


def _figure_text(table: ResultTable, row: Row) -> str:
    """Return what is printed beside a bar: "2 (67%)", "60 (mean 2.5)"."""
    first, *others = table.figure
    text = _cell(row.cells[table.index(first)], table.column(first).format)
    more = []
    for key in others:
        column = table.column(key)
        value = _cell(row.cells[table.index(key)], column.format)
        more.append(f"{_(column.prefix)} {value}" if column.prefix else value)
    return f"{text} ({', '.join(more)})" if more else text


def _cell(value: Scalar, fmt: Format) -> str:
    """Return a cell as charts print it."""
    if fmt is Format.share:
        return f"{float(value or 0) * 100:.0f}%"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number(float(value))
    return str(value)


def _figure(bars: Bars) -> Figure:
    """Draw ``bars`` on a new figure sized for an A4 page."""
    labels = [_shorten(label) for label in bars.labels[:MAX_BARS]]
    values = bars.values[:MAX_BARS]
    texts = bars.texts[:MAX_BARS]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(values))]
    with plt.rc_context(_STYLE):
        if bars.horizontal:
            fig = Figure(figsize=(6.4, 0.8 + 0.34 * max(len(values), 2)))
            ax = fig.add_subplot()
            positions = list(range(len(values)))
            ax.barh(positions, values, color=colours, edgecolor=INK, linewidth=0.5)
            ax.set_yticks(positions, labels)
            ax.invert_yaxis()
            ax.set_xlabel(bars.value_axis)
            top = max(values) if values and max(values) > 0 else 1.0
            ax.set_xlim(0, top * 1.3)
            for y, (value, text) in enumerate(zip(values, texts, strict=True)):
                ax.text(value + top * 0.02, y, text, va="center")
        else:
            fig = Figure(figsize=(6.4, 3.2))
            ax = fig.add_subplot()
            positions = list(range(len(values)))
            ax.bar(positions, values, color=colours, edgecolor=INK, linewidth=0.5)
            ax.set_xticks(positions, labels)
            ax.set_ylabel(bars.value_axis)
            top = max(values) if values and max(values) > 0 else 1.0
            ax.set_ylim(0, top * 1.25)
            for x, (value, text) in enumerate(zip(values, texts, strict=True)):
                ax.text(x, value + top * 0.02, text, ha="center")
        if bars.integer:
            axis = ax.xaxis if bars.horizontal else ax.yaxis
            axis.set_major_locator(MaxNLocator(integer=True))
        # at the figure's left edge and wrapped: long option labels push the axes right,
        # and a title over the axes alone was cut off at the figure's right edge
        fig.suptitle(textwrap.fill(bars.title, 60), x=0.02, ha="left")
        fig.tight_layout()
    return fig


def chart_alt(question: QuestionResult) -> str:
    """Return a sentence describing ``question``'s chart in words (empty when it has none)."""
    bars = _bars(question)
    if bars is None:
        return ""
    points = ", ".join(
        f"{label} {text}" for label, text in zip(bars.labels, bars.texts, strict=True)
    )
    return _("Bar chart, {title}: {points}.").format(title=bars.title, points=points)


@contextmanager
def _drawing() -> Iterator[None]:
    """Draw in the charts' style, without a warning for a character the font lacks.

    People type emoji and scripts DejaVu Sans does not cover: the SVG keeps them as text
    (the browser or the PDF's fonts show them), the PNG shows a box. Neither is an error.
    """
    with plt.rc_context(_STYLE), warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
        yield


def chart_svg(question: QuestionResult) -> str | None:
    """Return ``question``'s chart as an inline ``<svg>`` element (text kept as text), or None."""
    bars = _bars(question)
    if bars is None:
        return None
    out = io.StringIO()
    with _drawing():
        _figure(bars).savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]
    label = escape(chart_alt(question), quote=True)
    # A function, not a replacement string: re.sub reads the backslashes of a string, so a
    # label "$\foo$" would get a form feed, and "\9" would name a group that does not exist.
    opening = f'<svg role="img" aria-label="{label}" class="chart"'
    svg = re.sub(r"<svg\b", lambda _match: opening, svg, count=1)
    return svg


def chart_png(question: QuestionResult, *, dpi: int = 150) -> bytes | None:
    """Return ``question``'s chart as PNG bytes (for DOCX), or None."""
    bars = _bars(question)
    if bars is None:
        return None
    out = io.BytesIO()
    with _drawing():
        _figure(bars).savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()
