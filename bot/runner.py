"""Starting the bot for real: schema first, then polling (or a webhook)."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update

from bot.app import build
from bot.settings import Settings
from handlers.services import Services
from store.db import make_engine, upgrade


def run(settings: Settings, webhook: str | None = None, port: int = 8443) -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    services = Services(
        engine,
        settings.admin_ids,
        settings.default_language,
        lease=timedelta(seconds=settings.delivery_lease_seconds),
    )
    application = build(settings, services)
    if webhook:
        application.run_webhook(
            listen="0.0.0.0", port=port, webhook_url=webhook, allowed_updates=Update.ALL_TYPES
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
