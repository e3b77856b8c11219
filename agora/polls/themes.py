"""An open-text question's themes: found automatically, or as the moderator edited them.

The grouping and the edits are the pure functions of ``agora.text.themes``; this module
reads the answers, keeps the moderator's edits, and turns the pure module's
``ThemeError`` into ``InvalidInput`` in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.core.errors import InvalidInput
from agora.core.i18n import _
from agora.polls import theme_jobs
from agora.polls.kinds import kind_of
from agora.polls.models import Question, QuestionThemes, Response
from agora.text import themes as pure
from agora.text.themes import Theme, ThemeError, ThemeResult

#: What a moderator can do to themes.
ACTIONS = ("rename", "merge", "split", "move", "reset", "regroup")


def answer_entries(session: Session, question_id: int) -> tuple[list[str], list[str]]:
    """Return the keys and texts of a question's answer entries, in the order they came."""
    keys: list[str] = []
    texts: list[str] = []
    rows = session.execute(
        select(Response.id, Response.answer)
        .where(Response.question_id == question_id)
        .order_by(Response.id)
    )
    for response_id, answer in rows:
        for index, text in enumerate(answer.get("texts", answer.get("words", []))):
            keys.append(f"{response_id}:{index}")
            texts.append(str(text))
    return keys, texts


def _stored(session: Session, question_id: int) -> QuestionThemes | None:
    return session.scalar(select(QuestionThemes).where(QuestionThemes.question_id == question_id))


def current_themes(session: Session, question: Question) -> tuple[ThemeResult, bool]:
    """Return the question's themes and whether a moderator edited them.

    Edited themes keep their labels and answers; answers that arrived after the edit are
    gathered in a theme of their own, so nothing is hidden.
    """
    keys, texts = answer_entries(session, question.id)
    stored = _stored(session, question.id)
    if stored is None:
        found = theme_jobs.finished_result(question.id, texts) or pure.find_themes(texts)
        return _shown(found), False
    index_of = {key: i for i, key in enumerate(keys)}
    themes: list[Theme] = []
    placed: set[int] = set()
    for saved in stored.themes:
        indexes = [index_of[k] for k in saved.get("keys", []) if k in index_of]
        if not indexes:
            continue
        representative = saved.get("representative")
        chosen = index_of.get(representative, indexes[0]) if representative else indexes[0]
        if chosen not in indexes:
            chosen = indexes[0]
        label, other = str(saved.get("label", "")), bool(saved.get("other", False))
        themes.append(Theme(label, texts[chosen], sorted(indexes), other=other))
        placed.update(indexes)
    new = [i for i in range(len(texts)) if i not in placed]
    if new:
        themes.append(Theme(_("New answers"), texts[new[0]], new))
    words_only = pure.words_only_of(stored.method, texts)
    result = ThemeResult(themes, stored.method, len(themes), list(texts), words_only)
    return _shown(result), True


def themes_or_progress(
    session: Session, question: Question, k: int | None = None
) -> tuple[ThemeResult | None, bool, theme_jobs.Job | None]:
    """Return what the themes page shows: the themes, or the job still finding them.

    ``(result, edited, None)`` when the themes are at hand (edited ones, few answers, or a
    finished background job); ``(None, False, job)`` while a background job (started here
    if needed: ``BACKGROUND_FROM`` answers or more) embeds the answers. With ``k`` (the
    moderator's number of themes) it is a preview of that grouping, even over edited
    themes: ``regroup`` keeps it.
    """
    if k is None and _stored(session, question.id) is not None:
        result, edited = current_themes(session, question)
        return result, edited, None
    _keys, texts = answer_entries(session, question.id)
    if len(texts) < theme_jobs.BACKGROUND_FROM:
        return _shown(_grouped(texts, k)), False, None
    job = theme_jobs.job_for(question.id, texts, k)
    if job.result is not None:
        return _shown(job.result), False, None
    return None, False, job


def _grouped(texts: list[str], k: int | None) -> ThemeResult:
    """Group a few answers within the request, the moderator's ``k`` checked."""
    try:
        return pure.find_themes(texts, k=k)
    except ThemeError as error:
        raise _invalid(error) from error


def _regrouped(session: Session, question: Question, values: dict[str, str]) -> ThemeResult:
    """Return the grouping into the moderator's number of themes, found or ready."""
    k = _number(values, "k")
    _keys, texts = answer_entries(session, question.id)
    if len(texts) < theme_jobs.BACKGROUND_FROM:
        return _grouped(texts, k)
    ready = theme_jobs.finished_result(question.id, texts, k)
    if ready is None:
        raise InvalidInput(
            _(
                "The grouping into {k} themes is not ready yet: wait for it on the themes page."
            ).format(k=k),
            field="k",
        )
    return ready


def _shown(result: ThemeResult) -> ThemeResult:
    """Return ``result`` with the fixed labels ("(no words)", "Other answers") translated."""
    fixed = {pure.NO_WORDS, pure.OTHER}
    if all(theme.label not in fixed for theme in result.themes):
        return result
    themes = [
        replace(theme, label=_(theme.label)) if theme.label in fixed else theme
        for theme in result.themes
    ]
    return replace(result, themes=themes)


def forget_answers(
    session: Session, question_ids: Iterable[int], response_ids: Iterable[str]
) -> None:
    """Drop erased responses from the themes moderators edited: their keys and, where one
    was a theme's representative, that choice (the theme's first remaining answer stands in).
    """
    gone = {str(r) for r in response_ids}
    query = select(QuestionThemes).where(QuestionThemes.question_id.in_(list(question_ids)))
    for stored in session.scalars(query):
        kept = []
        for saved in stored.themes:
            keys = [k for k in saved.get("keys", []) if str(k).split(":")[0] not in gone]
            chosen = saved.get("representative")
            kept.append(
                {**saved, "keys": keys, "representative": chosen if chosen in keys else None}
            )
        stored.themes = kept  # a new list: the JSON column sees the change


def _invalid(error: ThemeError) -> InvalidInput:
    """Return the ``InvalidInput`` users see for ``error``, in their language."""
    return InvalidInput(_(error.message).format(**error.arguments), field=error.field)


def _save(session: Session, question: Question, result: ThemeResult) -> None:
    keys, texts = answer_entries(session, question.id)
    saved: list[dict[str, Any]] = []
    for theme in result.themes:
        members = [keys[i] for i in theme.answer_indexes]
        typical = next(
            (keys[i] for i in theme.answer_indexes if texts[i] == theme.representative),
            members[0],
        )
        entry: dict[str, Any] = {"label": theme.label, "representative": typical, "keys": members}
        if theme.other:
            entry["other"] = True
        saved.append(entry)
    stored = _stored(session, question.id)
    if stored is None:
        stored = QuestionThemes(question_id=question.id, method=result.method, themes=saved)
        session.add(stored)
    stored.themes, stored.method, stored.edited_at = saved, result.method, utcnow()
    session.flush()


def is_number(value: str) -> bool:
    """Tell whether a form's ``value`` is a theme's or an answer's number.

    ASCII digits only ("²" is a digit to ``str.isdigit``, not to ``int``), at most nine.
    """
    return value.isascii() and value.isdigit() and len(value) <= 9


def _number(values: dict[str, str], name: str) -> int:
    value = values.get(name, "").strip()
    if not is_number(value):
        raise InvalidInput(_("Choose a theme or an answer."), field=name)
    return int(value)


def edit_themes(
    session: Session, question: Question, action: str, values: dict[str, str], answers: list[int]
) -> ThemeResult:
    """Apply a moderator's edit (rename, merge, split, move, reset, regroup into ``k``
    themes) and keep the result."""
    if not kind_of(question.kind).THEMED:
        raise InvalidInput(_("Only open-text answers are grouped into themes."))
    if action not in ACTIONS:
        raise InvalidInput(
            _("'{a}' is not a theme action; use one of: {all}.").format(
                a=action, all=", ".join(ACTIONS)
            )
        )
    if action == "reset":
        stored = _stored(session, question.id)
        if stored is not None:
            session.delete(stored)
            session.flush()
        return current_themes(session, question)[0]
    if action == "regroup":  # the moderator's number of themes replaces every edit
        result = _shown(_regrouped(session, question, values))
        _save(session, question, result)
        return result
    result, _edited = current_themes(session, question)
    try:
        result = _shown(_edited_result(result, action, values, answers))
    except ThemeError as error:
        raise _invalid(error) from error
    _save(session, question, result)
    return result


def _edited_result(
    result: ThemeResult, action: str, values: dict[str, str], answers: list[int]
) -> ThemeResult:
    """Return ``result`` after one of the pure edits (rename, merge, split or move)."""
    if action == "rename":
        return pure.rename(result, _number(values, "theme"), values.get("label", ""))
    if action == "merge":
        return pure.merge(result, _number(values, "theme"), _number(values, "other"))
    if action == "split":
        return pure.split(result, _number(values, "theme"), answers)
    return pure.move(result, _number(values, "answer"), _number(values, "to_theme"))
