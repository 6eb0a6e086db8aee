"""Every button's callback data on one screen: which module answers it and what it looks like.

The first field of the data (up to the first `:`) is the route's prefix; a prefix belongs to
one feature, and no prefix begins another one (tests/handlers/test_routes.py), so two features
cannot claim the same button. `pattern` is what the module's `CallbackQueryHandler` matches: it
is looser than `shape` on purpose, so a malformed button of a known feature still reaches that
feature, which parses it strictly and answers it its own way (find's "this list may be out of
date"). Each module reads its patterns with `route(name)`; a button with no route here reaches
handlers/fallback.py ("this button is not valid (any more)"). Telegram allows 64 bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

KEY = "[0-9a-f]{6}"  # a search's random key (handlers/find.py)
ID = r"\d{1,10}"
REQUEST_ACTION = r"(?:can|acc|rej|up|dn):\d{1,10}"  # handlers/request_actions.py


@dataclass(frozen=True)
class Route:
    prefix: str  # the data's first field ("a|b": either)
    module: str
    pattern: str  # what the CallbackQueryHandler matches (anchored at the start)
    shape: str  # the whole data, as the module writes it and parses it


ROUTES: dict[str, Route] = {
    route_name: Route(*fields)
    for route_name, fields in {
        # the participant's menus
        "menu": ("menu", "handlers.menu", "menu$", "menu"),
        "language": ("lang", "handlers.language", "lang$", "lang"),
        "language.pick": ("lang", "handlers.language", "lang:", "lang:(ko|en)"),
        "apply": ("apply", "handlers.apply", "apply$", "apply"),
        "apply.role": ("apply", "handlers.apply", "apply:", "apply:(buyer|seller)"),
        "profile.section": ("acct|comp", "handlers.profile", "(acct|comp)", "acct|comp"),
        "profile.edit": ("pe", "handlers.profile", "pe:", r"pe:[a-z_]{1,20}"),
        "availability": ("avail", "handlers.availability", "avail$", "avail"),
        "availability.press": (
            "avail",
            "handlers.availability",
            "avail:",
            r"avail:t:\d{8}:\d{1,10}|avail:(on|off):\d{8}",
        ),
        "find": ("find", "handlers.find", "find$", "find"),
        "find.keyword": ("fd", "handlers.find", "fd:[^:]*:k$", f"fd:{KEY}:k"),
        "find.press": (
            "fd",
            "handlers.find",
            "fd:",
            f"fd:{KEY}:[bx]|fd:{KEY}:(p|o|ind-page|cty-page):{ID}|fd:{KEY}:(ind|cty)-pick:(-|{ID})",
        ),
        "card.ask_note": ("fc", "handlers.company_card", "fc:[^:]*:r:", f"fc:{KEY}:r:{ID}"),
        "card.skip_note": ("fc", "handlers.company_card", "fc:[^:]*:s:", f"fc:{KEY}:s:{ID}"),
        "card.action": (
            "fc",
            "handlers.company_card",
            "fc:[^:]*:[a-z]{2,3}:",
            f"fc:{KEY}:{REQUEST_ACTION}",
        ),
        "requests": ("reqs", "handlers.requests", "reqs$", "reqs"),
        "requests.page": (
            "reqs",
            "handlers.requests",
            "reqs:[la]:",
            rf"reqs:l:[mro]:\d{{1,4}}|reqs:a:{REQUEST_ACTION}:[mro]:\d{{1,4}}",
        ),
        "requests.notice": (
            "reqs",
            "handlers.request_actions",
            "reqs:n:",
            f"reqs:n:{REQUEST_ACTION}",
        ),
        "schedule": ("sched", "handlers.schedule", "sched(:|$)", rf"sched(:(img|ics|why|m:{ID}))?"),
        # the fair day
        "attendance": (
            "att",
            "handlers.meeting_day",
            "att:",
            rf"att:(ok|no|keep):{ID}|att:x:{ID}:(cant_attend|not_interested|other)",
        ),
        "refill": ("rf", "handlers.refill_offers", "rf:", rf"rf:(y|n):{ID}"),
        "interpreter": (
            "itp",
            "handlers.interpreter_home",
            "itp(:|$)",
            rf"itp(:(ask|no):{ID}:{ID})?",
        ),
        "outcome": ("oc", "handlers.outcomes", "oc:", rf"oc:r:{ID}:[a-z_]{{1,20}}|oc:[vnc]:{ID}"),
        "survey": ("sv", "handlers.survey", "sv:", rf"sv:{ID}:(contract|mou|nothing)"),
        # organizers
        "admin": ("admin", "handlers.guide", "admin$", "admin"),
        "application.decision": ("appdec", "handlers.apply", "appdec:", rf"appdec:(y|n):{ID}"),
        "lowcount.propose": ("low", "handlers.admin_match", "low:", rf"low:{ID}"),
        "lowcount.book": ("book", "handlers.admin_match", "book:", rf"book:{ID}:{ID}:{ID}:[01]"),
        "reopen": ("reopen", "handlers.admin_reopen", "reopen:", r"reopen:\d{1,12}"),
    }.items()
}


@cache
def route(name: str) -> re.Pattern[str]:
    """The CallbackQueryHandler pattern of the route `name` (one compiled object per route)."""
    return re.compile("^" + ROUTES[name].pattern)
