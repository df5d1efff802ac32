"""The console's content section: topics, their approved answers and example
questions, edited by staff (clinic/content does the editing and validation)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from aiohttp import web

from clinic.console import review_pages
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
from clinic.console.security import current_session
from clinic.content.editor import ContentEditor
from clinic.content.guarded import REASON as ADMIN_ONLY_REASON
from clinic.content.guarded import admin_only
from clinic.content.preview import preview_answer
from clinic.content.project_content import Problem
from clinic.content.topics import ContentRepository, Topic, TopicNotFound
from clinic.content.yaml_plans import ContentRejected
from clinic.review.queue import review_item

routes = web.RouteTableDef()


def _repository(request: web.Request) -> ContentRepository:
    return ContentRepository(request.app[EDITOR].root)


async def locked_for(request: web.Request, response_name: str) -> bool:
    """Whether this account may not change the reply (clinic/content/guarded.py)."""
    if current_session(request).account.is_admin:
        return False
    try:
        response = await asyncio.to_thread(_repository(request).response, response_name)
    except TopicNotFound:
        return False
    return admin_only(response)


async def refuse_if_locked(request: web.Request, response_name: str) -> None:
    if await locked_for(request, response_name):
        raise web.HTTPForbidden(text=ADMIN_ONLY_REASON)


async def _topic_or_404(request: web.Request) -> Topic:
    name = request.match_info["name"]
    try:
        return await asyncio.to_thread(_repository(request).topic, name)
    except TopicNotFound:
        raise web.HTTPNotFound(text="no such topic") from None


@routes.get("/content")
async def content_page(request: web.Request) -> web.Response:
    repository = _repository(request)
    topics = await asyncio.to_thread(repository.topics)
    changes = await asyncio.to_thread(request.app[EDITOR].recent_changes, 30)
    return render(
        request,
        "content.html",
        topics=topics,
        changes=changes,
        topic_path=topic_path,
        saved=request.query.get("saved", ""),
    )


async def render_topic(
    request: web.Request,
    topic: Topic,
    problems: list[Problem] | None = None,
    draft: dict[str, str] | None = None,
) -> web.Response:
    draft = draft or {}
    answer_text = draft.get("answer", topic.answer.text if topic.answer else "")
    preview = (
        await asyncio.to_thread(preview_answer, answer_text) if topic.answer else ""
    )
    locked = bool(topic.answer) and await locked_for(request, topic.answer.response)
    return render(
        request,
        "topic.html",
        status=422 if problems else 200,
        topic=topic,
        locked=locked,
        locked_reason=ADMIN_ONLY_REASON,
        answer_text=answer_text,
        preview=preview,
        problems=problems or [],
        draft=draft,
        topic_path=topic_path,
        saved=request.query.get("saved", ""),
    )


@routes.get("/content/topics/{name:.+}")
async def topic_page(request: web.Request) -> web.Response:
    return await render_topic(request, await _topic_or_404(request))


async def _apply(
    request: web.Request, topic: Topic, draft: dict[str, str], edit: Any, *args: Any
) -> web.Response:
    """Runs an editor method; shows the problems on the page if it was refused."""
    try:
        await asyncio.to_thread(edit, *args, username(request))
    except ContentRejected as rejected:
        return await render_topic(request, topic, rejected.problems, draft)
    raise back_to(f"{topic_path(topic.name)}?saved=1")


@routes.post("/content/topics/{name:.+}/answer")
async def save_answer(request: web.Request) -> web.Response:
    topic = await _topic_or_404(request)
    if topic.answer is not None:
        await refuse_if_locked(request, topic.answer.response)
    data = await form(request)
    text = data.get("text", "").strip()
    if data.get("action") == "preview":
        return await render_topic(request, topic, draft={"answer": text})
    editor: ContentEditor = request.app[EDITOR]
    return await _apply(
        request, topic, {"answer": text}, editor.set_answer, topic.name, text
    )


@routes.post("/content/topics/{name:.+}/examples/add")
async def add_example(request: web.Request) -> web.Response:
    topic = await _topic_or_404(request)
    text = (await form(request)).get("text", "").strip()
    editor: ContentEditor = request.app[EDITOR]
    return await _apply(
        request, topic, {"new_example": text}, editor.add_example, topic.name, text
    )


@routes.post("/content/topics/{name:.+}/examples/edit")
async def edit_example(request: web.Request) -> web.Response:
    topic = await _topic_or_404(request)
    data = await form(request)
    old, new = data.get("old", ""), data.get("text", "").strip()
    editor: ContentEditor = request.app[EDITOR]
    return await _apply(
        request,
        topic,
        {"edited": old, "text": new},
        editor.edit_example,
        topic.name,
        old,
        new,
    )


@routes.post("/content/topics/{name:.+}/examples/remove")
async def remove_example(request: web.Request) -> web.Response:
    topic = await _topic_or_404(request)
    text = (await form(request)).get("text", "")
    editor: ContentEditor = request.app[EDITOR]
    return await _apply(request, topic, {}, editor.remove_example, topic.name, text)


def example_lines(text: str) -> list[str]:
    lines = (line.strip() for line in text.splitlines())
    return [line.removeprefix("- ").strip() for line in lines if line]


@routes.get("/content/new")
async def new_topic_page(request: web.Request) -> web.Response:
    return render(
        request,
        "new_topic.html",
        problems=[],
        draft={
            "key": "",
            "description": "",
            "answer": "",
            "examples": request.query.get("example", ""),
        },
        review=request.query.get("review", ""),
    )


@routes.post("/content/new")
async def add_topic(request: web.Request) -> web.Response:
    draft = await form(request)
    key = draft.get("key", "").strip().lower().replace(" ", "_")
    examples = example_lines(draft.get("examples", ""))
    editor: ContentEditor = request.app[EDITOR]
    try:
        await asyncio.to_thread(
            editor.add_faq_topic,
            key,
            draft.get("description", "").strip(),
            draft.get("answer", "").strip(),
            examples,
            username(request),
        )
    except ContentRejected as rejected:
        return render(
            request,
            "new_topic.html",
            status=422,
            problems=rejected.problems,
            draft=draft,
            review=draft.get("review", ""),
        )
    if draft.get("review"):
        await asyncio.to_thread(
            close_review_item, request, draft["review"], f"faq/{key}", examples
        )
    raise back_to(f"{topic_path('faq/' + key)}?saved=1")


def close_review_item(
    request: web.Request, key: str, topic: str, examples: list[str]
) -> None:
    """A review message sent to "new topic" is done once that topic exists."""
    conversation_id, timestamp = parse_item_key(key)
    item = review_item(request.app[ENGINE], conversation_id, timestamp)
    if item is not None:
        review_pages.record(
            request, item, "assigned", topic, examples[0] if examples else None
        )


# --- the assistant's other replies (greeting, crisis, booking questions, ...) ----


def reply_path(name: str) -> str:
    return f"/content/replies/{quote(name, safe='')}"


@routes.get("/content/replies")
async def replies_page(request: web.Request) -> web.Response:
    responses = await asyncio.to_thread(_repository(request).all_responses)
    replies = [
        response
        for name, response in sorted(responses.items())
        if "/" not in name  # FAQ and out-of-scope answers are on their topic's page
    ]
    return render(request, "replies.html", replies=replies, reply_path=reply_path)


async def render_reply(
    request: web.Request,
    name: str,
    problems: list[Problem] | None = None,
    draft: dict[str, str] | None = None,
) -> web.Response:
    try:
        response = await asyncio.to_thread(_repository(request).response, name)
    except TopicNotFound:
        raise web.HTTPNotFound(text="no such reply") from None
    draft = draft or {}
    texts = {
        answer.variant: draft["text"]
        if draft.get("variant") == str(answer.variant)
        else answer.text
        for answer in response.variants
    }
    previews = {
        variant: await asyncio.to_thread(preview_answer, text)
        for variant, text in texts.items()
    }
    return render(
        request,
        "reply.html",
        status=422 if problems else 200,
        response=response,
        texts=texts,
        previews=previews,
        problems=problems or [],
        reply_path=reply_path,
        saved=request.query.get("saved", ""),
        locked=await locked_for(request, name),
        locked_reason=ADMIN_ONLY_REASON,
    )


@routes.get("/content/replies/{name}")
async def reply_page(request: web.Request) -> web.Response:
    return await render_reply(request, request.match_info["name"])


@routes.post("/content/replies/{name}")
async def save_reply(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    await refuse_if_locked(request, name)
    data = await form(request)
    draft = {"variant": data.get("variant", ""), "text": data.get("text", "").strip()}
    try:
        variant = int(draft["variant"])
    except ValueError:
        raise web.HTTPBadRequest(text="which variant?") from None
    if data.get("action") == "preview":
        return await render_reply(request, name, draft=draft)
    editor: ContentEditor = request.app[EDITOR]
    try:
        await asyncio.to_thread(
            editor.set_response_text, name, draft["text"], username(request), variant
        )
    except ContentRejected as rejected:
        return await render_reply(request, name, rejected.problems, draft)
    raise back_to(f"{reply_path(name)}?saved=1")
