"""The demo website (aiohttp): the landing page, the widget bundle, the styles."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from clinic.channels.rate_limit import (
    DEFAULT_SITE_REQUESTS,
    REQUESTS_LIMITED,
    SITE_VARIABLE,
    AddressLimit,
    limited_text,
)
from clinic.settings import ClinicSettings, current_settings
from clinic.site.config import SiteConfig, widget_attributes

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SITE_KEY = web.AppKey("site", SiteConfig)
PAGE_KEY = web.AppKey("page", str)


def tel_href(phone: str) -> str:
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def content_security_policy(site: SiteConfig) -> str:
    """Nothing but this site's own files, and the Rasa server for the chat."""
    rasa_http, rasa_socket = site.rasa_origins
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {rasa_http} {rasa_socket}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def render_page(settings: ClinicSettings, site: SiteConfig) -> str:
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
    )
    return environment.get_template("index.html").render(
        clinic=settings,
        phone_href=tel_href(settings.phone),
        emergency_href=tel_href(settings.crisis.emergency),
        crisis_call_href=tel_href(settings.crisis.call) if settings.crisis.call else "",
        widget=widget_attributes(settings, site),
    )


async def page(request: web.Request) -> web.Response:
    site = request.app[SITE_KEY]
    return web.Response(
        text=request.app[PAGE_KEY],
        content_type="text/html",
        headers={
            "Content-Security-Policy": content_security_policy(site),
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-cache",
        },
    )


async def widget_file(request: web.Request) -> web.StreamResponse:
    site = request.app[SITE_KEY]
    name = request.match_info["name"]
    path = site.widget_dist / name
    if not path.is_file():
        raise web.HTTPServiceUnavailable(
            text=f"{name} is not built: run bash scripts/setup.sh (npm run build)"
        )
    # FileResponse serves the .gz beside it to browsers that accept gzip.
    return web.FileResponse(
        path,
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


def make_rate_limit(limit: AddressLimit) -> Any:
    """Requests per address (SITE_REQUESTS_PER_ADDRESS_PER_MINUTE); over it a
    plain 429 that still names the crisis line."""

    @web.middleware
    async def rate_limit(request: web.Request, handler: Any) -> web.StreamResponse:
        address = limit.address_of(request.remote, request.headers)
        if request.path != "/health" and not limit.allow(address):
            return web.Response(
                status=429,
                text=limited_text(REQUESTS_LIMITED),
                headers={"Retry-After": "60"},
            )
        return await handler(request)

    return rate_limit


async def health(request: web.Request) -> web.Response:
    return web.json_response(
        {"status": "ok", "widget_built": request.app[SITE_KEY].bundle.is_file()}
    )


def create_app(
    site: SiteConfig, settings: ClinicSettings | None = None
) -> web.Application:
    settings = settings or current_settings()
    limit = AddressLimit.from_environment(SITE_VARIABLE, DEFAULT_SITE_REQUESTS)
    app = web.Application(middlewares=[make_rate_limit(limit)])
    app[SITE_KEY] = site
    app[PAGE_KEY] = render_page(settings, site)
    app.router.add_get("/", page)
    app.router.add_get("/health", health)
    app.router.add_get(r"/widget/{name:clinic-chat\.(?:js|licenses\.txt)}", widget_file)
    app.router.add_static("/static/", HERE / "static")
    if not site.bundle.is_file():
        logger.warning("widget bundle missing at %s: run scripts/setup.sh", site.bundle)
    return app
