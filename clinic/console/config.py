"""The console's settings, from the environment (scripts/env.sh sets defaults)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from clinic.client_address import trusted_proxies
from clinic.store.staff_accounts import IDLE_TIMEOUT
from clinic.training.serving import replica_urls_from

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ConsoleConfig:
    host: str
    port: int
    # The Rasa server's HTTP API and its token: used by the console's server
    # side only, never sent to a browser.
    rasa_url: str
    rasa_token: str
    database_url: str
    domain_path: Path
    # Set when the console is served over HTTPS (behind a proxy): session
    # cookies are then marked Secure and __Host- prefixed.
    secure_cookies: bool
    # How often the live views look for changes, in seconds.
    poll_seconds: float = 1.0
    # The project whose data/ staff edit and whose models the console retrains.
    content_root: Path = PROJECT_ROOT
    # Proxies whose X-Forwarded-For names the client (sign-in limits per address).
    trusted_proxies: frozenset[str] = frozenset()
    # Signed out after this long without activity (CONSOLE_IDLE_MINUTES).
    idle_timeout: timedelta = IDLE_TIMEOUT
    # Each Rasa replica directly (RASA_REPLICA_URLS): a retrained model is put
    # live on every one. Empty: rasa_url is the only server.
    rasa_replica_urls: tuple[str, ...] = ()

    @classmethod
    def from_environment(cls) -> ConsoleConfig:
        public_url = os.environ.get("CONSOLE_PUBLIC_URL", "")
        secure = os.environ.get("CONSOLE_SECURE_COOKIES")
        rasa_port = os.environ.get("RASA_PORT", "5005")
        return cls(
            host=os.environ.get("CONSOLE_HOST", "127.0.0.1"),
            port=int(os.environ.get("CONSOLE_PORT", "5080")),
            rasa_url=os.environ.get("RASA_URL", f"http://127.0.0.1:{rasa_port}"),
            rasa_token=os.environ.get("RASA_AUTH_TOKEN", ""),
            database_url=os.environ.get("DATABASE_URL")
            or f"sqlite:///{PROJECT_ROOT / 'var' / 'clinic.db'}",
            domain_path=Path(os.environ.get("DOMAIN_PATH", PROJECT_ROOT / "domain")),
            secure_cookies=(secure == "1")
            if secure is not None
            else public_url.startswith("https://"),
            poll_seconds=float(os.environ.get("CONSOLE_POLL_SECONDS", "1.0")),
            content_root=Path(os.environ.get("CONTENT_ROOT") or PROJECT_ROOT),
            trusted_proxies=trusted_proxies("CONSOLE_TRUSTED_PROXIES"),
            idle_timeout=idle_timeout_from(os.environ.get("CONSOLE_IDLE_MINUTES")),
            rasa_replica_urls=replica_urls_from(os.getenv("RASA_REPLICA_URLS", "")),
        )


def idle_timeout_from(minutes: str | None) -> timedelta:
    if not minutes:
        return IDLE_TIMEOUT
    value = float(minutes)
    if value <= 0:
        raise ValueError("CONSOLE_IDLE_MINUTES must be more than 0")
    return timedelta(minutes=value)
