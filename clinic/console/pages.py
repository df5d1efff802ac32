"""What every console page shares: the application's keys, rendering, forms."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from aiohttp import web
from sqlalchemy.engine import Engine

from clinic.console.config import ConsoleConfig
from clinic.console.handoffs import Handoffs
from clinic.console.rasa_client import RasaClient
from clinic.console.security import CSRF_FIELD, current_session
from clinic.console.times import staff_time
from clinic.content.editor import ContentEditor
from clinic.insights.topic_names import topic_name
from clinic.settings import current_settings
from clinic.store.sign_in_failures import SignInLimits
from clinic.store.staff_actions import record_staff_action
from clinic.training.job import TrainingSettings

HERE = Path(__file__).resolve().parent
CONFIG = web.AppKey("config", ConsoleConfig)
ENGINE = web.AppKey("engine", Engine)
RASA = web.AppKey("rasa", RasaClient)
HANDOFFS = web.AppKey("handoffs", Handoffs)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
THROTTLE = web.AppKey("throttle", SignInLimits)
EDITOR = web.AppKey("editor", ContentEditor)
TRAINING = web.AppKey("training", TrainingSettings)


def template_environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    # {{ ticket.created_at|when }}: in the clinic's time zone, readable.
    environment.filters["when"] = staff_time
    # {{ topic.topic|topic_name }}: "Cost and insurance", not faq/cost.
    environment.filters["topic_name"] = topic_name
    return environment


def render(
    request: web.Request, name: str, status: int = 200, **values: Any
) -> web.Response:
    session = request.get("session")
    html = (
        request.app[TEMPLATES]
        .get_template(name)
        .render(
            account=session.account if session else None,
            csrf_token=session.csrf_token if session else "",
            csrf_field=CSRF_FIELD,
            clinic_name=current_settings().name,
            **values,
        )
    )
    return web.Response(text=html, content_type="text/html", status=status)


async def in_thread(
    request: web.Request, function: Callable[..., Any], *args: Any
) -> Any:
    return await asyncio.to_thread(function, request.app[ENGINE], *args)


async def form(request: web.Request) -> dict[str, str]:
    data = await request.post()
    return {key: str(value) for key, value in data.items()}


def back_to(path: str) -> web.HTTPFound:
    return web.HTTPFound(path)


def username(request: web.Request) -> str:
    """The signed-in staff member's username."""
    return current_session(request).account.username


async def audit(request: web.Request, action: str, target: str) -> None:
    """Records what the signed-in staff member did."""
    await in_thread(request, record_staff_action, username(request), action, target, "")


def topic_path(name: str) -> str:
    return f"/content/topics/{quote(name, safe='/')}"


def parse_item_key(key: str) -> tuple[str, float]:
    """A review item's key: its conversation and its message's timestamp."""
    conversation_id, _, timestamp = key.rpartition("|")
    try:
        return conversation_id, float(timestamp)
    except ValueError:
        raise web.HTTPBadRequest(text="not a review item") from None
