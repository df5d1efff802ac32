"""Where the site listens and what its page tells the widget, from the environment.

``SITE_PORT`` (8080) and ``SITE_HOST`` (127.0.0.1): where the site listens.
``RASA_PUBLIC_URL``: the Rasa server as visitors' browsers reach it; by default
``http://127.0.0.1:$RASA_PORT``. ``WIDGET_DIST``: the built widget (web/widget/dist).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from clinic.settings import ClinicSettings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIST = PROJECT_ROOT / "web" / "widget" / "dist"
BUNDLE_NAME = "clinic-chat.js"


@dataclass(frozen=True)
class SiteConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    rasa_url: str = "http://127.0.0.1:5005"
    widget_dist: Path = DEFAULT_DIST

    @property
    def bundle(self) -> Path:
        return self.widget_dist / BUNDLE_NAME

    @property
    def rasa_origins(self) -> tuple[str, str]:
        """The Rasa server's http(s) and ws(s) origins, for connect-src."""
        parts = urlsplit(self.rasa_url)
        socket_scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{parts.scheme}://{parts.netloc}", f"{socket_scheme}://{parts.netloc}"


def site_config_from_env() -> SiteConfig:
    rasa_port = os.environ.get("RASA_PORT", "5005")
    rasa_url = os.environ.get("RASA_PUBLIC_URL") or f"http://127.0.0.1:{rasa_port}"
    return SiteConfig(
        host=os.environ.get("SITE_HOST", "127.0.0.1"),
        port=int(os.environ.get("SITE_PORT", "8080")),
        rasa_url=rasa_url.rstrip("/"),
        widget_dist=Path(os.environ.get("WIDGET_DIST") or DEFAULT_DIST),
    )


def widget_attributes(settings: ClinicSettings, site: SiteConfig) -> dict[str, str]:
    """The widget's configuration, as data-* attributes of its script tag."""
    return {
        "server": site.rasa_url,
        "clinic-name": settings.name,
        "color": settings.widget.color,
        "position": settings.widget.position,
        "crisis-line": settings.crisis.short,
        "crisis-call": settings.crisis.call,
        "emergency-number": settings.crisis.emergency,
    }
