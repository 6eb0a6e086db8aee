"""📋 My requests (the manual's 신청 현황): 상호 신청 mutual, 상대방 신청 received (Accept /
Reject), 나의 신청 mine (Cancel, ▲ / ▼ for priority). A summary with the three counts, then
one list per category, five entries a page; after an action the list is re-rendered in place.

Buttons (handlers/routes.py): `Requests` the summary; `RequestList(category, page)` a list page
(category `m` mutual, `r` received, `o` own); `RequestListAction` an action pressed on a list
page (actions are in handlers/request_actions.py, which also owns `RequestNotice`).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.feature import Feature
from handlers.guard import participant
from handlers.request_actions import action_button, answered, describe
from handlers.routes import Menu, RequestList, RequestListAction, Requests, route
from handlers.services import Who, services
from handlers.ui import answer_press, button, clipped, keyboard, show
from locales import ordinal, t
from store.models import RequestStatus
from store.my_requests import Page, Summary, act_on_page, request_page, summary
from store.names import company_name
from store.requests import Pair, Party, Sent

PER_PAGE = 5
CATEGORIES = {"m": "mutual", "r": "received", "o": "mine"}
# Which actions each list offers, in button order.
CATEGORY_ACTIONS = {"m": ("can",), "r": ("acc", "rej"), "o": ("can", "up", "dn")}


def render_summary(language: str, overview: Summary) -> tuple[str, InlineKeyboardMarkup]:
    # Only the kinds there are: no "0건" line, no button to an empty list.
    counts = {cat: n for cat, name in CATEGORIES.items() if (n := overview.counts[name])}
    lines = [t(language, "requests.title")]
    lines += [t(language, f"requests.count.{cat}", count=n) for cat, n in counts.items()]
    if overview.closed:
        lines.append(t(language, "requests.closed"))
    else:
        lines.append(t(language, "requests.explain" if counts else "requests.none"))
    rows = [
        [button(language, f"requests.open.{cat}", RequestList(cat, 1), count=n)]
        for cat, n in counts.items()
    ]
    rows.append([button(language, "common.back", Menu())])
    return "\n".join(lines), keyboard(*rows)


def _shown(pair: Pair[Party], cat: str) -> tuple[Sent, Sent | None]:
    """The request an entry is about, and the one its buttons act on (None: no buttons)."""
    if cat == "r":
        assert pair.theirs is not None  # the received list holds only received requests
        return pair.theirs, pair.theirs
    if cat == "o":
        assert pair.mine is not None
        return pair.mine, pair.mine
    shown = pair.theirs or pair.mine
    assert shown is not None
    return shown, pair.mine


def _mutual_reason(pair: Pair[Party]) -> str:
    if pair.mine is not None and pair.mine.status == RequestStatus.accepted:
        return "requests.mutual.they_accepted"
    if pair.theirs is not None and pair.theirs.status == RequestStatus.accepted:
        return "requests.mutual.you_accepted"
    return "requests.mutual.both"


def _entry(language: str, view: Page, pair: Pair[Party], cat: str, number: int) -> str:
    request, _ = _shown(pair, cat)
    lines = describe(language, pair.counterpart, request, view.timezone)
    lines[0] = t(language, "requests.number", number=number) + lines[0]
    if cat == "m":
        lines.append(t(language, _mutual_reason(pair)))
    if cat == "o":
        # The place in this list, not the stored rank: a request that became mutual keeps
        # its rank but leaves the list, and the numbers must read 1, 2, 3 as shown.
        lines.append(t(language, "requests.priority", rank=ordinal(language, number)))
    return "\n".join(lines)


def _entry_buttons(
    language: str, pair: Pair[Party], cat: str, number: int, page: int, total: int
) -> list[InlineKeyboardButton]:
    _, target = _shown(pair, cat)
    if target is None:
        return []
    # The first request can't move up, nor the last one down.
    hidden = {"up"} if number == 1 else set()
    hidden |= {"dn"} if number == total else set()
    # Each button names its company: its meaning never depends on a line of the text above.
    company = clipped(company_name(pair.counterpart, language))
    return [
        action_button(
            language, action, RequestListAction(action, target.id, cat, page), company=company
        )
        for action in CATEGORY_ACTIONS[cat]
        if action not in hidden
    ]


def render_list(language: str, view: Page, cat: str) -> tuple[str, InlineKeyboardMarkup]:
    page, pages, total = view.number, view.pages, view.total
    numbered = list(enumerate(view.entries, start=view.first))
    heading = t(language, f"requests.heading.{cat}")
    if not total:
        lines = [heading]
    else:  # the page only when there are several
        key = "requests.list_paged" if pages > 1 else "requests.list"
        lines = [t(language, key, heading=heading, count=total, page=page, pages=pages)]
    lines += [_entry(language, view, pair, cat, number) for number, pair in numbered]
    if not total:
        lines.append(t(language, f"requests.empty.{cat}"))
    if view.closed:
        lines.append(t(language, "requests.closed"))
    rows = []
    if not view.closed:
        rows = [
            _entry_buttons(language, pair, cat, number, page, total) for number, pair in numbered
        ]
    paging = []
    if page > 1:
        paging.append(button(language, "requests.previous", RequestList(cat, page - 1)))
    if page < pages:
        paging.append(button(language, "requests.next", RequestList(cat, page + 1)))
    rows += [paging, [button(language, "common.back", Requests())]]
    return "\n\n".join(lines), keyboard(*rows)


@participant(answer=True)
async def show_summary(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    svc = services(context)
    overview = await svc.run(summary, person.participant.id, svc.clock())
    await show(update, *render_summary(person.language, overview))


@participant(data=(RequestList, RequestListAction))
async def page(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    person: Who,
    pressed: RequestList | RequestListAction,
) -> None:
    """A list page, or an action pressed on one (then the same page, as it is now)."""
    svc = services(context)
    me, cat, now = person.participant.id, pressed.category, svc.clock()
    if isinstance(pressed, RequestListAction):
        action = pressed.action
        after = await svc.run(
            act_on_page,
            me,
            action,
            pressed.request,
            CATEGORIES[cat],
            pressed.page,
            PER_PAGE,
            now,
            person.by,
        )
        await answered(update, context, person, action, after.involved, after.refused)
        view = after.page
    else:
        await answer_press(update.callback_query)
        view = await svc.run(request_page, me, CATEGORIES[cat], pressed.page, PER_PAGE, now)
    await show(update, *render_list(person.language, view, cat))


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(show_summary, pattern=route("requests")),
        CallbackQueryHandler(page, pattern=route("requests.page")),
    ]


FEATURE = Feature(
    others=handlers,
)
