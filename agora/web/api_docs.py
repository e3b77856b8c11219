"""The API's documentation page, with Swagger UI's files served by Agora itself.

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script; the
Content-Security-Policy (``script-src 'self'``) blocked both, so the page stayed blank.
Here the files come from the ``swagger-ui-py`` package and a small script of ours
starts it.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

#: Where Swagger UI's files are mounted (agora.app mounts them).
ASSETS = "/api/v1/docs/assets"
#: Swagger UI 5 (OpenAPI 3.1, which FastAPI writes) as the ``swagger-ui-py`` package ships it.
ASSETS_DIRECTORY = str(files("swagger_ui") / "static")

router = APIRouter()

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agora API</title>
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="/api/v1/openapi.json"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


@router.get("/api/v1/docs", include_in_schema=False)
def api_docs() -> HTMLResponse:
    """Show the API's documentation (Swagger UI over the OpenAPI document)."""
    return HTMLResponse(PAGE)
