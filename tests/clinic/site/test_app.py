"""The demo site's pages and files, through aiohttp's test client."""

from __future__ import annotations

import dataclasses
import gzip
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from clinic.settings import ClinicSettings, load_settings
from clinic.site.app import create_app
from clinic.site.config import SiteConfig, site_config_from_env
from harness.services import redis_url

ROOT = Path(__file__).resolve().parents[3]
BUNDLE = "/* the widget */\n" * 50


@pytest.fixture
def settings() -> ClinicSettings:
    config = ROOT / "config"
    return load_settings(config / "clinic.yml", config / "crisis_resources.yml")


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    folder = tmp_path / "dist"
    folder.mkdir()
    (folder / "clinic-chat.js").write_text(BUNDLE)
    (folder / "clinic-chat.js.gz").write_bytes(gzip.compress(BUNDLE.encode()))
    return folder


async def started(site: SiteConfig, settings: ClinicSettings) -> TestClient:
    client = TestClient(TestServer(create_app(site, settings)))
    await client.start_server()
    return client


@pytest.fixture
async def client(dist: Path, settings: ClinicSettings) -> AsyncIterator[TestClient]:
    site = SiteConfig(rasa_url="http://127.0.0.1:5005", widget_dist=dist)
    client = await started(site, settings)
    yield client
    await client.close()


async def test_the_page_shows_the_clinic_and_configures_the_widget(
    client: TestClient, settings: ClinicSettings
) -> None:
    response = await client.get("/")
    page = await response.text()
    assert response.status == 200
    for fact in (settings.name, settings.phone, settings.hours, settings.crisis.short):
        assert fact in page.replace("&amp;", "&")
    for resource in settings.crisis.resources:
        assert resource in page.replace("&amp;", "&")
    script = re.search(r"<script src=\"/widget/clinic-chat.js\"[^>]*>", page)
    assert script, "the widget is served by the site itself"
    for attribute in (
        'data-server="http://127.0.0.1:5005"',
        'data-clinic-name="Harbor Light Ketamine Clinic"',
        'data-color="#1f5f66"',
        'data-position="right"',
        'data-crisis-call="988"',
        'data-emergency-number="911"',
    ):
        assert attribute in script.group(0)


async def test_the_page_loads_only_its_own_files(client: TestClient) -> None:
    page = await (await client.get("/")).text()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith(("/", "data:")) for s in sources), sources


async def test_the_page_has_a_strict_content_security_policy(
    client: TestClient,
) -> None:
    response = await client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "connect-src 'self' http://127.0.0.1:5005 ws://127.0.0.1:5005" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_configured_text_is_escaped(dist: Path, settings: ClinicSettings) -> None:
    hostile = dataclasses.replace(settings, name='Calm <script>alert(1)</script> "Co"')
    client = await started(SiteConfig(widget_dist=dist), hostile)
    try:
        page = await (await client.get("/")).text()
    finally:
        await client.close()
    assert "<script>alert(1)" not in page
    assert "Calm &lt;script&gt;alert(1)&lt;/script&gt; &#34;Co&#34;" in page


async def test_the_widget_is_served_gzipped_to_browsers_that_accept_it(
    client: TestClient,
) -> None:
    response = await client.get(
        "/widget/clinic-chat.js", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "javascript" in response.headers["Content-Type"]
    assert await response.text() == BUNDLE


async def test_only_the_widget_files_are_served(client: TestClient) -> None:
    for path in ("/widget/other.js", "/widget/..%2F..%2Fsettings.py", "/nothing"):
        assert (await client.get(path)).status == 404, path


async def test_a_missing_bundle_is_explained(
    tmp_path: Path, settings: ClinicSettings
) -> None:
    client = await started(SiteConfig(widget_dist=tmp_path / "none"), settings)
    try:
        missing = await client.get("/widget/clinic-chat.js")
        assert missing.status == 503
        assert "scripts/setup.sh" in await missing.text()
        assert (await client.get("/")).status == 200
        health = await (await client.get("/health")).json()
        assert health == {"status": "ok", "widget_built": False}
    finally:
        await client.close()


def test_the_site_is_configured_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SITE_PORT", "9090")
    monkeypatch.setenv("RASA_PORT", "5999")
    monkeypatch.delenv("RASA_PUBLIC_URL", raising=False)
    site = site_config_from_env()
    assert (site.port, site.rasa_url) == (9090, "http://127.0.0.1:5999")
    monkeypatch.setenv("RASA_PUBLIC_URL", "https://assistant.clinic.example/")
    site = site_config_from_env()
    assert site.rasa_origins == (
        "https://assistant.clinic.example",
        "wss://assistant.clinic.example",
    )


async def test_one_address_is_limited_and_told_where_crisis_help_is(
    dist: Path, settings: ClinicSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITE_REQUESTS_PER_ADDRESS_PER_MINUTE", "5")
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1")
    client = await started(SiteConfig(widget_dist=dist), settings)
    try:
        flooding = {"X-Forwarded-For": "203.0.113.5"}
        for _ in range(5):
            assert (await client.get("/", headers=flooding)).status == 200
        limited = await client.get("/", headers=flooding)
        assert limited.status == 429 and limited.headers["Retry-After"] == "60"
        text = await limited.text()
        assert settings.crisis.short in text and settings.crisis.emergency in text
        assert (await client.get("/health", headers=flooding)).status == 200
        other = {"X-Forwarded-For": "203.0.113.6"}
        assert (await client.get("/", headers=other)).status == 200
    finally:
        await client.close()


async def test_the_machine_itself_is_not_limited_per_address(
    dist: Path, settings: ClinicSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITE_REQUESTS_PER_ADDRESS_PER_MINUTE", "2")
    client = await started(SiteConfig(widget_dist=dist), settings)
    try:
        for _ in range(5):
            assert (await client.get("/")).status == 200
    finally:
        await client.close()


async def test_two_sites_on_one_redis_share_the_limit_per_address(
    dist: Path, settings: ClinicSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two copies of the site, as two machines behind one balancer would run
    it: with RATE_LIMIT_REDIS_URL, an address's requests count on both."""
    monkeypatch.setenv("RATE_LIMIT_REDIS_URL", redis_url())
    monkeypatch.setenv("SITE_REQUESTS_PER_ADDRESS_PER_MINUTE", "4")
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1")
    h = uuid.uuid4().hex  # an address of its own: nothing counted by an earlier run
    address = {"X-Forwarded-For": f"2001:db8::{h[:4]}:{h[4:8]}:{h[8:12]}"}
    first = await started(SiteConfig(widget_dist=dist), settings)
    second = await started(SiteConfig(widget_dist=dist), settings)
    try:
        for site in (first, second, first, second):
            assert (await site.get("/", headers=address)).status == 200
        assert (await first.get("/", headers=address)).status == 429
        assert (await second.get("/", headers=address)).status == 429
    finally:
        await first.close()
        await second.close()
