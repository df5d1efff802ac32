"""The console's privacy page (administrators only): everything stored about one
visitor, found by a reference or conversation id, exported as JSON or erased."""

from __future__ import annotations

import json

from aiohttp import web

from clinic.console.pages import audit, back_to, form, in_thread, render, username
from clinic.console.security import require_admin
from clinic.privacy.conversations import (
    UnknownVisitor,
    Visitor,
    erase_visitor,
    export_visitor,
    find_visitor,
)

routes = web.RouteTableDef()


async def visitor_for(request: web.Request, key: str) -> Visitor:
    try:
        return await in_thread(request, find_visitor, key)
    except UnknownVisitor:
        raise web.HTTPNotFound(text="nothing is stored under that key") from None


@routes.get("/privacy")
async def privacy_page(request: web.Request) -> web.Response:
    require_admin(request)
    key = request.query.get("key", "").strip()
    erased = request.query.get("erased", "")
    visitor, missing = None, False
    if key:
        try:
            visitor = await in_thread(request, find_visitor, key)
            await audit(request, "find_visitor_data", key)
        except UnknownVisitor:
            missing = True
    return render(
        request,
        "privacy.html",
        key=key,
        visitor=visitor,
        missing=missing,
        erased=erased,
    )


@routes.post("/privacy/export")
async def export(request: web.Request) -> web.Response:
    require_admin(request)
    visitor = await visitor_for(request, (await form(request)).get("key", ""))
    document = await in_thread(request, export_visitor, visitor, username(request))
    return web.Response(
        text=json.dumps(document, indent=2, ensure_ascii=False),
        content_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="visitor-data.json"',
            "Cache-Control": "no-store",
        },
    )


@routes.post("/privacy/erase")
async def erase(request: web.Request) -> web.Response:
    require_admin(request)
    data = await form(request)
    key = data.get("key", "").strip()
    if data.get("confirm", "").strip() != key:
        raise web.HTTPBadRequest(text="type the key again to confirm the erasure")
    visitor = await visitor_for(request, key)
    counts = await in_thread(request, erase_visitor, visitor, username(request))
    raise back_to(f"/privacy?erased={sum(counts.values())}")
