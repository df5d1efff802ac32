"""The Rasa server's HTTP API, as the console uses it (server side, with the token)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import aiohttp

from clinic.rasa_patches.api_token import token_header

TIMEOUT = aiohttp.ClientTimeout(total=10)


class RasaUnavailable(RuntimeError):
    """The Rasa server could not be reached or refused the request."""


class RasaClient:
    def __init__(self, base_url: str, token: str) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._session

    async def _request(
        self, method: str, path: str, params: dict[str, str], json: Any = None
    ) -> Any:
        url = f"{self._base_url}{path}"
        try:
            async with self._http().request(
                method, url, params=params, json=json, headers=token_header(self._token)
            ) as response:
                if response.status >= 400:
                    raise RasaUnavailable(f"{method} {path}: HTTP {response.status}")
                return await response.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailable(f"{method} {path}: {error}") from error

    async def tracker(self, conversation_id: str) -> dict[str, Any]:
        """The conversation's events since its last restart."""
        return await self._request(
            "GET",
            f"/conversations/{quote(conversation_id, safe='')}/tracker",
            {"include_events": "AFTER_RESTART"},
        )

    async def append_events(
        self, conversation_id: str, events: list[dict[str, Any]]
    ) -> None:
        """Adds events and sends their bot messages to the visitor's channel."""
        await self._request(
            "POST",
            f"/conversations/{quote(conversation_id, safe='')}/tracker/events",
            {"execute_side_effects": "true", "output_channel": "latest"},
            json=events,
        )
