"""The bot's sentences made from store values, without Telegram: the command line (bot/cli.py)
says them too, and an organizer's command that imported Telegram for them (through
handlers/ui.py) spent 0.4 s of CPU on it. Menus and views take them from here."""

from __future__ import annotations

import html
from collections.abc import Mapping

from locales import catalog, industry_list, pick, shown, t, tn
from store.errors import AnsweredBy, InvalidValue, NotFound, StoreError
from store.names import company_name
from store.withdrawal import Preview


def counted_items(
    language: str, prefix: str, values: Mapping[str, int], labels: str | None = None
) -> str:
    """Counted items joined into one list, the zero ones left out ("참석 확인 2건, 관리자
    삭제 1건"; "1 no-show, 2 cancelled"): each `prefix.key` is a counted catalog text (`tn`);
    with `labels`, `prefix` is one counted text for all, its `{label}` each item's name as
    buttons and lists show it (`labels.key`), so a thing counted is spelled as it is named.
    Empty when all are zero: a sentence never reports zero of something."""
    if labels is None:
        return ", ".join(tn(language, f"{prefix}.{key}", n) for key, n in values.items() if n)
    return ", ".join(
        tn(language, prefix, n, label=t(language, f"{labels}.{key}"))
        for key, n in values.items()
        if n
    )


def escape(value: object) -> str:
    """Participants' own words go into HTML messages escaped."""
    return html.escape(str(value), quote=False)


def error_text(language: str, error: StoreError) -> str:
    """The catalog sentence for a store refusal, its values rendered for people."""
    if isinstance(error, InvalidValue):
        field = t(language, f"field.{error.values['field']}")
        values = error.values
        like = values.get("like")
        reason = t(
            language,
            f"invalid.{values['reason']}" + ("_like" if like else ""),
            limit=values.get("limit"),
            like=shown(language, values["field"], like) if like else "",
            names=industry_list(language),
        )
        return t(language, "error.invalid_value", field=field, reason=reason)
    if isinstance(error, NotFound):
        return t(language, f"error.not_found.{error.values['what']}")
    if isinstance(error, AnsweredBy):  # who of the company answered first, and what
        found = error.values
        name = found["name"]
        who = (
            t(language, "answered.name", name=name)
            if name
            else t(language, f"answered.{found['role']}")
        )
        result = t(language, f"outcome.result.{found['result']}") if "result" in found else ""
        return t(language, f"error.answered_by.{found['what']}", name=who, result=result)
    values = {k: v for k, v in error.values.items() if isinstance(v, str | int)}
    if "status" in error.values:
        values["status"] = t(language, f"status.{error.values['status']}")
    if f"error.{error.key}.other" in catalog(pick(language)):  # a counted sentence
        return tn(language, f"error.{error.key}", values.pop("count"), **values)
    return t(language, f"error.{error.key}", **values)


def changes(found: Preview, language: str, html: bool = True) -> dict[str, object]:
    """The values of the withdrawal's sentences (the bot's, HTML-escaped, and the command
    line's); `items` counts what it closes and cancels, the zero ones left out."""
    shown = escape if html else str
    return {
        "code": shown(found.code),
        "company": shown(company_name(found, language)),
        "items": counted_items(
            language, "withdraw.changes", {"requests": found.requests, "meetings": found.meetings}
        ),
    }


def withdrawn(found: Preview, language: str, html: bool = True) -> str:
    """What a withdrawal did, in one or two sentences (the bot's and the command line's)."""
    values = changes(found, language, html)
    return t(language, "withdraw.done_with" if values["items"] else "withdraw.done", **values)
