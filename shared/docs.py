"""The API docs page (/docs) of every service, with Swagger UI's assets served by the
service itself from the fastapi-swagger package (Swagger UI 5, which reads the OpenAPI 3.1
FastAPI writes): on a closed network, where a CDN cannot be reached, the page still shows
the operations."""

from importlib import resources

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"
SWAGGER_UI = str(resources.files("fastapi_swagger") / "resources")


def add_offline_docs(app: FastAPI) -> None:
    """For an app made with docs_url=None and redoc_url=None."""
    app.mount(ASSETS, StaticFiles(directory=SWAGGER_UI), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )
