"""What staff do with a live chat: take it, reply, hand it back, close it; and
what happens when nobody takes it in time.

The database is changed first (atomically, so two staff members cannot both
take a chat, and a chat cannot be both taken and timed out), then the visitor's
conversation through Rasa. If Rasa cannot be reached, the database change is
undone so the action can be tried again, and the caller is told.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy.engine import Engine

from clinic.console.conversation import (
    HANDOFF_STAFF_NAME,
    joined_events,
    leaving_events,
    staff_reply_events,
)
from clinic.console.rasa_client import RasaClient, RasaUnavailable
from clinic.console.responses import ResponseTexts
from clinic.store.handoff_tickets import (
    assign_live_ticket,
    close_live_ticket,
    get_handoff_ticket,
    set_ticket_status,
    unanswered_live_tickets,
)
from clinic.store.staff_accounts import Account
from clinic.store.staff_actions import record_staff_action
from clinic.store.ticket_entries import add_ticket_entry

logger = logging.getLogger(__name__)

LEAVING_RESPONSES = {
    "handed_back": "utter_handoff_handed_back",
    "closed_by_staff": "utter_handoff_closed_by_staff",
    "timed_out": "utter_handoff_timeout",
}
SYSTEM = "system"


class HandoffError(RuntimeError):
    """A staff action that could not be carried out; the message says why."""


@dataclass
class Handoffs:
    engine: Engine
    rasa: RasaClient
    responses: ResponseTexts

    async def _db(self, function: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(function, self.engine, *args)

    async def _ticket(self, reference: str) -> dict[str, Any]:
        ticket = await self._db(get_handoff_ticket, reference)
        if ticket is None:
            raise HandoffError("there is no such ticket")
        return ticket

    async def _slots(self, conversation_id: str) -> dict[str, Any]:
        tracker = await self.rasa.tracker(conversation_id)
        return dict(tracker.get("slots") or {})

    async def take(self, reference: str, account: Account) -> None:
        ticket = await self._ticket(reference)
        if ticket["kind"] != "live":
            raise HandoffError("this is a call-back request, not a live chat")
        if not await self._db(assign_live_ticket, reference, account.username):
            raise HandoffError("someone else has taken this chat, or it has ended")
        try:
            slots = await self._slots(ticket["conversation_id"])
            slots[HANDOFF_STAFF_NAME] = account.display_name
            message = self.responses.render("utter_handoff_staff_joined", slots)
            await self.rasa.append_events(
                ticket["conversation_id"], joined_events(account.display_name, message)
            )
        except RasaUnavailable as error:
            await self._db(set_ticket_status, reference, "new", None, "")
            raise HandoffError(f"the visitor could not be reached: {error}") from error
        await self._audit(account, "take", reference)

    def _check_handling(self, ticket: dict[str, Any], account: Account) -> None:
        if ticket["kind"] != "live" or ticket["status"] != "assigned":
            raise HandoffError("this chat is not in progress")
        if ticket["assigned_to"] != account.username and not account.is_admin:
            raise HandoffError(f"{ticket['assigned_to']} is handling this chat")

    async def reply(self, reference: str, account: Account, text: str) -> None:
        text = text.strip()
        if not text:
            raise HandoffError("the reply is empty")
        ticket = await self._ticket(reference)
        self._check_handling(ticket, account)
        try:
            await self.rasa.append_events(
                ticket["conversation_id"],
                staff_reply_events(account.display_name, text),
            )
        except RasaUnavailable as error:
            raise HandoffError(f"not sent, please try again: {error}") from error
        await self._db(add_ticket_entry, reference, "reply", account.username, text)

    async def note(self, reference: str, account: Account, text: str) -> None:
        if not text.strip():
            raise HandoffError("the note is empty")
        await self._ticket(reference)
        await self._db(add_ticket_entry, reference, "note", account.username, text)
        await self._audit(account, "note", reference)

    async def finish(self, reference: str, account: Account, outcome: str) -> None:
        """Hands the chat back to the assistant, or closes it."""
        ticket = await self._ticket(reference)
        self._check_handling(ticket, account)
        await self._leave(ticket, outcome)
        await self._audit(account, outcome, reference)

    async def _leave(self, ticket: dict[str, Any], outcome: str) -> None:
        reference = ticket["reference"]
        if not await self._db(close_live_ticket, reference, outcome):
            raise HandoffError("this chat has already ended")
        response = LEAVING_RESPONSES[outcome]
        try:
            slots = await self._slots(ticket["conversation_id"])
            message = self.responses.render(response, slots)
            await self.rasa.append_events(
                ticket["conversation_id"], leaving_events(response, message)
            )
        except RasaUnavailable as error:
            # Open again, so that the action (or the time-out) is tried again.
            await self._db(set_ticket_status, reference, ticket["status"])
            raise HandoffError(f"the visitor could not be reached: {error}") from error

    async def time_out_unanswered(self, timeout_seconds: int) -> list[str]:
        """Offers a call-back to visitors nobody answered in time."""
        since = datetime.now(timezone.utc) - timedelta(seconds=timeout_seconds)
        timed_out = []
        for reference in await self._db(unanswered_live_tickets, since):
            try:
                await self._leave(await self._ticket(reference), "timed_out")
            except HandoffError as error:
                logger.warning(
                    "ticket %s: time-out not delivered: %s", reference, error
                )
                continue
            timed_out.append(reference)
            await self._db(record_staff_action, SYSTEM, "timed_out", reference, "")
        return timed_out

    async def _audit(self, account: Account, action: str, target: str) -> None:
        await self._db(record_staff_action, account.username, action, target, "")


def handoff_status_text(ticket: dict[str, Any]) -> str:
    """How staff see a ticket's state, in words."""
    if ticket["kind"] == "callback":
        return {"new": "call-back requested", "contacted": "contacted"}.get(
            ticket["status"], ticket["status"]
        )
    if ticket["status"] == "new":
        return "waiting for someone to join"
    if ticket["status"] == "assigned":
        return f"in chat with {ticket['assigned_to']}"
    return {
        "handed_back": "handed back to the assistant",
        "closed_by_staff": "closed by staff",
        "ended_by_visitor": "ended by the visitor",
        "timed_out": "nobody joined in time: call-back offered",
    }.get(ticket.get("outcome") or "", "closed")
