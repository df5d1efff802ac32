"""The review queue: visitor messages the assistant handled badly, which staff
turn into examples of the right topic (or ignore)."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

from aiohttp import web

from clinic.console.pages import (
    EDITOR,
    ENGINE,
    back_to,
    form,
    parse_item_key,
    render,
    topic_path,
    username,
)
from clinic.content.project_content import Problem
from clinic.content.topics import ContentRepository
from clinic.content.yaml_plans import ContentRejected
from clinic.review.queue import ReviewItem, review_item, review_queue
from clinic.review.scrub import scrub
from clinic.store.review_decisions import record_decision

routes = web.RouteTableDef()
NEW_TOPIC = "__new__"


def item_key(item: ReviewItem) -> str:
    return f"{item.conversation_id}|{item.timestamp!r}"


def scrubbed(item: ReviewItem, text: str | None = None) -> str:
    """The message without names, emails and phone numbers, the visitor's own
    details from the conversation included."""
    return scrub(item.text if text is None else text, item.personal_details)


def _queue_with_suggestions(engine: object) -> list[tuple[ReviewItem, str]]:
    items = review_queue(engine)  # type: ignore[arg-type]
    return [(item, scrubbed(item)) for item in items]


async def render_queue(
    request: web.Request,
    problems: list[Problem] | None = None,
    failed_key: str = "",
    failed_text: str = "",
) -> web.Response:
    engine = request.app[ENGINE]
    items = await asyncio.to_thread(_queue_with_suggestions, engine)
    repository = ContentRepository(request.app[EDITOR].root)
    topics = [
        (topic.name, topic.description)
        for topic in await asyncio.to_thread(repository.topics)
    ]
    return render(
        request,
        "review.html",
        status=422 if problems else 200,
        items=items,
        topics=topics,
        item_key=item_key,
        new_topic=NEW_TOPIC,
        problems=problems or [],
        failed_key=failed_key,
        failed_text=failed_text,
        done=request.query.get("done", ""),
        topic_path=topic_path,
    )


@routes.get("/review")
async def review_page(request: web.Request) -> web.Response:
    return await render_queue(request)


async def _item_or_404(request: web.Request, key: str) -> ReviewItem:
    conversation_id, timestamp = parse_item_key(key)
    item = await asyncio.to_thread(
        review_item, request.app[ENGINE], conversation_id, timestamp
    )
    if item is None:
        raise web.HTTPNotFound(text="no such message in the review queue")
    return item


def record(
    request: web.Request,
    item: ReviewItem,
    decision: str,
    topic: str | None,
    example: str | None,
) -> None:
    record_decision(
        request.app[ENGINE],
        item.conversation_id,
        item.timestamp,
        decision,
        topic,
        example,
        username(request),
    )


@routes.post("/review/assign")
async def assign(request: web.Request) -> web.Response:
    data = await form(request)
    key, topic = data.get("item", ""), data.get("topic", "")
    item = await _item_or_404(request, key)
    text = scrubbed(item, data.get("text", "").strip())
    if topic == NEW_TOPIC:
        raise back_to("/content/new?" + urlencode({"example": text, "review": key}))
    try:
        await asyncio.to_thread(
            request.app[EDITOR].add_example, topic, text, username(request)
        )
    except ContentRejected as rejected:
        return await render_queue(request, rejected.problems, key, text)
    await asyncio.to_thread(record, request, item, "assigned", topic, text)
    raise back_to("/review?" + urlencode({"done": f"Added to {topic}"}))


@routes.post("/review/ignore")
async def ignore(request: web.Request) -> web.Response:
    item = await _item_or_404(request, (await form(request)).get("item", ""))
    await asyncio.to_thread(record, request, item, "ignored", None, None)
    raise back_to("/review?" + urlencode({"done": "Ignored"}))
