"""Serve the demo website: ``python -m clinic.site`` (see clinic/site/config.py)."""

from __future__ import annotations

import logging

from aiohttp import web

from clinic.site.app import create_app
from clinic.site.config import site_config_from_env


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    site = site_config_from_env()
    web.run_app(
        create_app(site),
        host=site.host,
        port=site.port,
        print=lambda _: logging.info("site on http://%s:%d", site.host, site.port),
    )


if __name__ == "__main__":
    main()
