"""Settings from the environment and `.env` (see `.env.example`).

Validators raise ValueError with a catalog key (`setting.*`); the command line turns it into
a sentence naming the variable."""

from __future__ import annotations

import math
import os
import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from store.db import normalize_url

DATABASES = ("sqlite", "postgresql")
# What Telegram accepts as a webhook's `secret_token`: 1-256 characters A-Z, a-z, 0-9, _ and -.
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str = ""
    database_url: str = "sqlite:///matchbot.db"
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(default=frozenset())
    timezone: str = "Asia/Seoul"
    telegram_api_base_url: str | None = None
    default_language: str = "ko"
    # Seconds a process's claim on an announcement or broadcast delivery lasts: after a crash,
    # another process (or the restarted one) sends it once this ran out.
    delivery_lease_seconds: int = Field(default=120, ge=1)
    # /announce and /broadcast offer Telegram's paid broadcasts (faster, for a fee in Stars)
    # when the free pace would take longer than this.
    paid_broadcast_offer_seconds: int = Field(default=60, ge=0)
    # How long one call to Telegram may take (sending it and reading the answer; a file has
    # 15 s more to go up) before it counts as failed: a notice is then sent again.
    telegram_timeout_seconds: float = 10.0
    # Telegram sends it with every webhook POST; a POST without it is refused (bot/webhook.py).
    webhook_secret: str = ""

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # "123, 456" in the environment; a list when built in code.
        if isinstance(value, str):
            parts = value.replace(",", " ").split()
            if not all(part.isdigit() for part in parts):
                raise ValueError("setting.admin_ids")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("telegram_timeout_seconds", mode="before")
    @classmethod
    def _positive_seconds(cls, value: object) -> float:
        try:
            seconds = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError("setting.positive_seconds") from None
        if not (0 < seconds < math.inf):
            raise ValueError("setting.positive_seconds")
        return seconds

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = sa.engine.make_url(normalize_url(value.strip()))
        except sa.exc.ArgumentError:
            raise ValueError("setting.database_url") from None
        if url.get_backend_name() not in DATABASES:
            raise ValueError("setting.database_url")
        return value.strip()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("setting.unknown_zone") from None
        return value

    @field_validator("default_language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        if value not in ("ko", "en"):
            raise ValueError("setting.language")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: str) -> str:
        value = value.strip()
        if value and (":" not in value or not value.split(":", 1)[0].isdigit()):
            raise ValueError("setting.token_shape")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: str) -> str:
        value = value.strip()
        if value and not SECRET_SHAPE.fullmatch(value):
            raise ValueError("setting.webhook_secret")
        return value


class _LanguageOnly(BaseSettings):
    """Reads DEFAULT_LANGUAGE alone, from the same places as `Settings`."""

    model_config = Settings.model_config
    default_language: str = "ko"


def cli_language() -> str:
    """The command line's language even when other settings are broken: DEFAULT_LANGUAGE if
    it is readable, else Korean."""
    try:
        language = _LanguageOnly().default_language
    except ValueError:  # a .env that is not UTF-8: the environment alone
        language = os.environ.get("DEFAULT_LANGUAGE", "ko")
    return language if language in ("ko", "en") else "ko"
