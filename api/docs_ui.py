"""Swagger UI (`/docs`) and ReDoc (`/redoc`) served from this service, with no request to any other host.

FastAPI's own pages load their JavaScript and CSS from a public CDN (and ReDoc its fonts from Google); a
municipality's network may have no internet. The files come from the `fastapi-offline` package (Swagger UI 5,
which reads OpenAPI 3.1, and ReDoc), mounted under `/docs/assets`. Swagger UI's validator badge, which would
send the document to validator.swagger.io, is off.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"
DOCS = "/docs"
REDOC = "/redoc"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
# Swagger UI, for the one page that needs no key: the key a caseworker types into "Authorize" is kept in the
# page only (not in the browser's storage), and the validator badge is off.
SWAGGER_PARAMETERS = {"validatorUrl": None, "persistAuthorization": False}


def install(app: FastAPI) -> None:
    """Serve the documentation pages. The app must be created with `docs_url=None, redoc_url=None`."""
    app.mount(ASSETS, StaticFiles(directory=str(files("fastapi_offline") / "static")), name="docs-assets")

    @app.get(DOCS, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} — Swagger UI",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png", oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT}",
            swagger_ui_parameters=SWAGGER_PARAMETERS)

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} — ReDoc",
                              redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
                              redoc_favicon_url=f"{root}{ASSETS}/favicon.png", with_google_fonts=False)


def is_open(path: str) -> bool:
    """The documentation pages and their files: open even when API keys are required (a browser cannot send
    a key to load a page; the key is entered in Swagger UI's Authorize dialog)."""
    return path in (DOCS, REDOC, OAUTH2_REDIRECT) or (path.startswith(ASSETS + "/") and "/.." not in path)
