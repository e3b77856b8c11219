"""The names the knowledge base's pages show for codes: kinds, activities, sources, countries."""

from __future__ import annotations

import gettext
import re
from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError

from agora.core.i18n import _, babel_locale, current_language
from agora.knowledge.models import ActivityKind, ActorKind, CooperationSource


def actor_kinds() -> dict[str, str]:
    """Return the kinds of actor, by id, named in the current language."""
    return {
        ActorKind.city.value: _("City"),
        ActorKind.region.value: _("Region"),
        ActorKind.province.value: _("Province"),
        ActorKind.metropolitan_area.value: _("Metropolitan area"),
        ActorKind.national_body.value: _("National body"),
        ActorKind.network.value: _("Network"),
        ActorKind.cluster.value: _("Cluster"),
        ActorKind.university.value: _("University or research centre"),
        ActorKind.company.value: _("Company"),
        ActorKind.ngo.value: _("Non-governmental organisation"),
        ActorKind.other.value: _("Other organisation"),
    }


def activity_kinds() -> dict[str, str]:
    """Return the kinds of activity, by id, named in the current language."""
    return {
        ActivityKind.study_visit.value: _("Study visit"),
        ActivityKind.delegation.value: _("Delegation"),
        ActivityKind.expert_exchange.value: _("Expert exchange"),
        ActivityKind.conference.value: _("Conference"),
        ActivityKind.workshop.value: _("Workshop"),
        ActivityKind.memorandum_signature.value: _("Signature of a memorandum"),
        ActivityKind.pilot.value: _("Pilot"),
        ActivityKind.other.value: _("Other activity"),
    }


def sources() -> dict[str, str]:
    """Return where a cooperation record can come from, named in the current language."""
    return {
        CooperationSource.session.value: _("Shared in a session"),
        CooperationSource.import_.value: _("Imported"),
        CooperationSource.manual.value: _("Entered by an organiser"),
    }


def roles() -> dict[str, str]:
    """Return the roles of an actor in a cooperation, named in the current language."""
    return {"lead": _("Lead"), "partner": _("Partner")}


@lru_cache(maxsize=16)
def _iso3166(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str) -> str:
    """Return the name of an ISO 3166-1 alpha-2 country in the current language (or the code)."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    name = str(getattr(country, "common_name", None) or country.name)
    return _iso3166(current_language()).gettext(name)


def subdivision_name(code: str) -> str:
    """Return the name of an ISO 3166-2 subdivision (``HR-02``) in the current language, or
    the code when pycountry does not know it."""
    if not code:
        return ""
    subdivision = pycountry.subdivisions.get(code=code.upper())  # type: ignore[no-untyped-call]
    if subdivision is None:
        return code
    return _iso3166_2(current_language()).gettext(str(subdivision.name))


@lru_cache(maxsize=16)
def _iso3166_2(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-2", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def language_tag(code: str) -> str:
    """Return ``code`` if it is a well-formed BCP 47 tag (for a ``lang`` attribute), else ""."""
    text = code.strip().replace("_", "-")
    return text if _LANGUAGE_TAG.match(text) else ""


def language_name(code: str) -> str:
    """Return the name of language ``code`` in the current language (or the code itself)."""
    tag = language_tag(code)
    if not tag:
        return code
    reader = current_language()
    try:
        name = Locale.parse(tag, sep="-").get_display_name(babel_locale(reader))
    except (UnknownLocaleError, ValueError):
        return code
    return name or code
