"""The built widget bundle (web/widget/dist), as the site serves it."""

from __future__ import annotations

import gzip
import re

from clinic.site.config import DEFAULT_DIST
from harness.web import require_widget_bundle

GZIP_BUDGET = 60 * 1024


def test_the_bundle_is_under_60_kb_gzipped() -> None:
    bundle = require_widget_bundle().read_bytes()
    assert len(gzip.compress(bundle, compresslevel=9)) < GZIP_BUDGET
    served = (DEFAULT_DIST / "clinic-chat.js.gz").read_bytes()
    assert gzip.decompress(served) == bundle, "the .gz copy is stale"


def test_the_bundle_loads_nothing_from_elsewhere() -> None:
    text = require_widget_bundle().read_text(encoding="utf-8")
    urls = set(re.findall(r"https?://[\w.-]+[^\s\"'`)]*", text))
    # An SVG namespace and a link in one of socket.io's error messages.
    assert urls <= {
        "http://www.w3.org/2000/svg",
        "https://socket.io/docs/v3/migrating-from-2-x-to-3-0/",
    }, urls
    assert "innerHTML" not in text and "insertAdjacentHTML" not in text


def test_the_licences_of_bundled_code_ship_with_it() -> None:
    require_widget_bundle()
    licences = (DEFAULT_DIST / "clinic-chat.licenses.txt").read_text(encoding="utf-8")
    assert "socket.io-client@4." in licences and "MIT" in licences
