"""Visitors' thumbs-down (or up) on the assistant's answers, sent by the widget."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from clinic.store.models import answer_feedback
from clinic.store.rows import row_in_utc

RATINGS = ("down", "up")
MAX_RATED_TEXT = 2000
# More than any visitor rates in one conversation.
MAX_RATINGS_PER_CONVERSATION = 100


def record_feedback(
    engine: Engine, conversation_id: str, rating: str, bot_text: str
) -> int:
    """Stores one rating of one answer and returns its id.

    The same rating of the same answer is stored once, and a conversation keeps
    at most MAX_RATINGS_PER_CONVERSATION: a script repeating the event cannot
    fill the database.
    """
    if rating not in RATINGS:
        raise ValueError(f"unknown rating {rating!r}; expected one of {RATINGS}")
    if not bot_text.strip():
        raise ValueError("the rated answer's text is empty")
    bot_text = bot_text[:MAX_RATED_TEXT]
    in_conversation = answer_feedback.c.conversation_id == conversation_id
    with engine.begin() as connection:
        same = connection.execute(
            select(answer_feedback.c.id).where(
                in_conversation,
                answer_feedback.c.rating == rating,
                answer_feedback.c.bot_text == bot_text,
            )
        ).first()
        if same is not None:
            return int(same.id)
        count = connection.execute(
            select(func.count()).select_from(answer_feedback).where(in_conversation)
        ).scalar_one()
        if count >= MAX_RATINGS_PER_CONVERSATION:
            raise ValueError(f"{conversation_id}: too many ratings, ignored")
        result = connection.execute(
            insert(answer_feedback).values(
                created_at=datetime.now(timezone.utc),
                conversation_id=conversation_id,
                rating=rating,
                bot_text=bot_text,
            )
        )
        return int(result.inserted_primary_key[0])


def feedback_for(engine: Engine, conversation_id: str) -> list[dict[str, Any]]:
    """The conversation's ratings, oldest first."""
    query = (
        select(answer_feedback)
        .where(answer_feedback.c.conversation_id == conversation_id)
        .order_by(answer_feedback.c.id)
    )
    return _rows(engine, query)


def unhelpful_answers(
    engine: Engine, since: datetime | None = None
) -> list[dict[str, Any]]:
    """Every thumbs-down (newer than `since`, if given), newest first."""
    query = (
        select(answer_feedback)
        .where(answer_feedback.c.rating == "down")
        .order_by(answer_feedback.c.id.desc())
    )
    if since is not None:
        query = query.where(answer_feedback.c.created_at > since)
    return _rows(engine, query)


def unhelpful_texts(
    engine: Engine, conversation_ids: Iterable[str]
) -> dict[str, set[str]]:
    """The answers each conversation's visitor marked unhelpful (texts trimmed)."""
    ids = list(conversation_ids)
    if not ids:
        return {}
    query = select(answer_feedback.c.conversation_id, answer_feedback.c.bot_text).where(
        answer_feedback.c.rating == "down",
        answer_feedback.c.conversation_id.in_(ids),
    )
    texts: dict[str, set[str]] = {}
    with engine.connect() as connection:
        for conversation_id, bot_text in connection.execute(query):
            texts.setdefault(conversation_id, set()).add(bot_text.strip())
    return texts


def _rows(engine: Engine, query: Any) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [
            row_in_utc(row._mapping, ("created_at",))
            for row in connection.execute(query)
        ]
