"""The application factory: settings, database, broker, hub, and every domain in the registry."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agora import __version__
from agora.core.broker import make_broker
from agora.core.db import Database
from agora.core.errors import AgoraError, SignInNeeded
from agora.core.i18n import (
    LANGUAGES,
    current_language,
    gettext,
    ngettext,
    npgettext,
    pgettext,
    plural_forms,
    set_language,
    supported,
)
from agora.core.security import Signer
from agora.core.settings import Settings, get_settings
from agora.domains import PACKAGE, live_sections, routers, template_dirs
from agora.events.times import TEMPLATE_GLOBALS as EVENT_TEMPLATE_GLOBALS
from agora.live.hub import Hub
from agora.live.sections import LiveSections
from agora.pages.sections import page_sections
from agora.polls.display import TEMPLATE_GLOBALS as POLL_TEMPLATE_GLOBALS
from agora.privacy import retention
from agora.web import api_docs
from agora.web.direct import DirectSendApp
from agora.web.guard import RequestGuard
from agora.web.ratelimit import RateLimits
from agora.web.state import AppState

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds a strict Content-Security-Policy and friends to every response (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Language:
    """Sets a request's language: its ``agora_lang`` cookie, else the browser's (pure ASGI).

    Event pages then apply the event's language when the person has not chosen one.
    """

    def __init__(self, app: ASGIApp, default: str) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = browser = None
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"cookie" and b"agora_lang" in value:
                    chosen = supported(cookie_parser(value.decode("latin-1")).get("agora_lang"))
                elif name == b"accept-language" and browser is None:
                    browser = next(
                        filter(None, map(supported, _accepted(value.decode("latin-1")))), None
                    )
        set_language(chosen or browser or self.default)
        await self.app(scope, receive, send)


def _accepted(header: str) -> list[str]:
    """Return the languages of an Accept-Language header, most wanted first."""
    weighted = []
    for part in header.split(",")[:20]:
        language, _sep, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        weighted.append((weight, language))
    return [language for weight, language in sorted(weighted, key=lambda w: -w[0]) if weight > 0]


def static_url(path: str) -> str:
    """Return the address of a file under ``/static``.

    Starlette's ``url_for('static', …)`` looks the mount up among every route on each
    call: a tenth of the participant page's server time (docs/performance.md).
    """
    return f"/static/{quote(path)}"


def make_templates() -> Jinja2Templates:
    """Return the Jinja2 environment of every domain's templates, with gettext installed."""
    templates = Jinja2Templates(directory=template_dirs())
    env = templates.env
    # templates ship with the package: no file-system check per render (restart to see an
    # edited template)
    env.auto_reload = False
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    env.globals["agora_version"] = __version__
    env.globals["static"] = static_url
    env.globals.update(POLL_TEMPLATE_GLOBALS)
    env.globals.update(EVENT_TEMPLATE_GLOBALS)  # local_time(moment, event): the event's zone
    env.globals["current_language"] = current_language
    env.globals["plural_forms"] = plural_forms  # a count's words by category, for page scripts
    env.globals["languages"] = LANGUAGES
    env.globals["section_names"] = page_sections()
    return templates


def build_state(settings: Settings) -> AppState:
    """Create the objects one app shares, then let every domain attach its live section."""
    sections = LiveSections()
    hub = Hub(
        sections.render,
        sections.snapshot,
        interval=settings.live_interval_ms / 1000,
        buffer_size=settings.replay_buffer,
        heartbeat=settings.heartbeat_s,
    )
    state = AppState(
        settings=settings,
        db=Database(settings.database_url),
        signer=Signer(settings.signing_key()),
        hub=hub,
        sections=sections,
        broker=make_broker(settings.broker, settings.redis_url, settings.redis_prefix),
        templates=make_templates(),
    )
    for section in live_sections(state):
        sections.add(section)
    retention.attach(state)  # the retention purge, at start and every few hours
    return state


#: The garbage collector's thresholds once the app runs (Python's are 700, 10, 10). Every
#: live message makes one short-lived future per open stream; with 700, young collections
#: ran about twice per thousand streams per message, moved the futures still waiting into
#: the old generation and so set off full collections that walk every stream (4 of them,
#: 0.2 s, in 40 messages to 10,000 streams; none with these — docs/performance.md).
GC_THRESHOLDS = (50_000, 20, 10)

_tuned: list[bool] = []


def tune_gc() -> None:
    """Keep the garbage collector off the live path, once per process.

    Modules, routes, templates, mappers and settings live as long as the process: after
    ``gc.freeze()`` full collections no longer walk them (a full collection of the
    imported app took ~0.1 s, then ~0). The thresholds make full collections rare while
    thousands of streams are open.
    """
    if not _tuned:
        _tuned.append(True)
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """Return a configured Agora application."""
    settings = settings or get_settings()
    state = build_state(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await state.start()
        tune_gc()
        try:
            yield
        finally:
            await state.stop()

    app = DirectSendApp(
        title="Agora",
        version=__version__,
        summary="Live sessions, takeaways and partner matching for cities and regions.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # agora.web.api_docs serves it from Agora's own files
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.agora = state

    @app.exception_handler(AgoraError)
    async def agora_error(request: Request, exc: AgoraError) -> Response:
        if _wants_json(request):
            return JSONResponse(exc.to_dict(), status_code=exc.status_code)
        if isinstance(exc, SignInNeeded) and request.method in {"GET", "HEAD"}:
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(here, safe='/')}", status_code=303)
        return state.templates.TemplateResponse(
            request, "web/error.html", {"error": exc}, status_code=exc.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        field = ".".join(str(p) for p in first.get("loc", ()) if p not in {"body", "query", "path"})
        body = {
            "error": "InvalidInput",
            "message": f"{field}: {first.get('msg')}" if field else str(first.get("msg")),
            "field": field,
            "errors": [
                {"field": ".".join(map(str, e.get("loc", ()))), "message": e.get("msg")}
                for e in errors
            ],
        }
        return JSONResponse(body, status_code=422)

    for router in routers():
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=PACKAGE / "web" / "static"), name="static")
    app.mount(api_docs.ASSETS, StaticFiles(directory=api_docs.ASSETS_DIRECTORY), name="api-docs")
    app.add_middleware(
        RateLimits,
        enabled=settings.rate_limits,
        storage_uri=settings.redis_url if settings.broker == "redis" else "memory://",
        prefix=f"{settings.redis_prefix}:limits",
    )
    app.add_middleware(
        RequestGuard,
        max_body=settings.max_body_bytes,
        max_upload=settings.max_upload_bytes,
        public_url=settings.public_url,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Language, default=settings.default_language)
    return app
