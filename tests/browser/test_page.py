"""The demo clinic page, as a visitor's browser gets it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from harness.chat import clinic
from harness.web import DemoSite


def test_the_page_shows_the_clinic_from_its_configuration(
    page: Page, site: DemoSite
) -> None:
    settings = clinic()
    response = page.goto(site.url)
    assert response is not None and response.ok
    expect(page).to_have_title(re.compile(re.escape(settings.name)))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    contact = page.locator("#contact")
    for fact in (settings.phone, settings.hours, settings.address, settings.email):
        expect(contact).to_contain_text(fact)


def test_the_crisis_line_is_in_the_footer(page: Page, site: DemoSite) -> None:
    crisis = clinic().crisis
    page.goto(site.url)
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text(crisis.short)
    expect(footer.get_by_role("link", name=crisis.emergency)).to_have_attribute(
        "href", f"tel:{crisis.emergency}"
    )
    for resource in crisis.resources:
        expect(footer).to_contain_text(resource)


def test_the_page_is_protected_by_a_content_security_policy(
    page: Page, site: DemoSite
) -> None:
    response = page.goto(site.url)
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert f"connect-src 'self' {site.assistant.url}" in policy
