"""🔎 Find companies (the manual's 상담 신청: 미팅업체 목록): the other side's companies, eight a
page in the recommended order (store/search.py), narrowed by industry, by country and by a
typed keyword; a company opens its card (handlers/company_card.py).

The search being browsed (filters, keyword, page, the choices last shown) lives in
`user_data` under a random KEY that every list button carries, so the data stays short and
holds no names: a button from an earlier search, from before a restart or forged is refused
with a clear answer.

Buttons (handlers/routes.py): `FindOpen` (main menu) starts a search; `FindPage` a page;
`FindBack` the list as it was; `FindChoices` the industry / country choices; `FindPick` picks
the Nth choice shown, None for all; `FindKeyword` asks for a keyword; `FindClearKeyword` drops
it; `FindCard` opens a card. Buttons of the single-letter codes used before (`FindOldCode`)
are answered as out of date.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field, replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers import company_card, typed
from handlers.feature import Feature
from handlers.guard import participant, participant_step
from handlers.routes import (
    FindBack,
    FindCard,
    FindChoices,
    FindClearKeyword,
    FindKeyword,
    FindOldCode,
    FindPage,
    FindPick,
    Menu,
    Press,
    decode_any,
    route,
)
from handlers.services import Who, member, services
from handlers.ui import answer_press, button, keyboard, named_button, refuse, show
from handlers.wording import error_text, escape
from locales import country_name, industry_name, name_key, shown, t
from store.errors import StoreError
from store.models import Role
from store.names import company_name
from store.search import Facets, Filters, Found, Page, clean_keyword, facets, search_page
from views.vocabulary import vocabulary

STATE = "find"  # user_data key of the current Search, as plain JSON (see _keep)
PRESSES = (FindBack, FindClearKeyword, FindPage, FindCard, FindChoices, FindPick)
PER_PAGE = 8
CHOICES_PER_PAGE = 20
LABEL_MAX = 60
FACETS = {"ind": "industry", "cty": "country"}  # the field each kind of filter button names
CATALOG = {"ind": "i", "cty": "c"}  # their catalog keys: find.all_i, find.choose.c, ...
KEYWORD = "find_keyword"  # the typed step: {"step": KEYWORD}


@dataclass
class Search:
    key: str
    filters: Filters = field(default_factory=Filters)
    offset: int = 0
    industries: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)


def _start(context: ContextTypes.DEFAULT_TYPE) -> Search:
    search_state = Search(secrets.token_hex(3))
    _keep(context, search_state)
    return search_state


def _keep(context: ContextTypes.DEFAULT_TYPE, state: Search) -> None:
    """user_data is saved as JSON after each update (bot/user_state.py): a plain dict."""
    context.user_data[STATE] = asdict(state)


def _saved(context: ContextTypes.DEFAULT_TYPE) -> Search | None:
    """The search last kept, or None if there is none or it has a shape this code can't read
    (e.g. saved by an older version): the user then starts a new one."""
    saved = context.user_data.get(STATE)
    try:
        return Search(
            key=str(saved["key"]),
            filters=Filters(**saved["filters"]),
            offset=int(saved["offset"]),
            industries=[str(value) for value in saved["industries"]],
            countries=[str(value) for value in saved["countries"]],
        )
    except (TypeError, KeyError, ValueError):
        return None


def _label(found: Found, language: str) -> str:
    """A company's button: its marks, name, country and industry, cut to fit a phone."""
    company = found.company
    marks = "⭐" * found.same_industry + "📥" * found.requested_me + "📤" * found.requested_by_me
    where = (country_name(language, company.country), industry_name(language, company.industry))
    label = " · ".join((company_name(company, language), *where))
    return f"{marks} {label}".strip()[:LABEL_MAX]


def _filter_line(language: str, filters: Filters) -> str:
    every = t(language, "find.all")
    return t(
        language,
        "find.filters",
        industry=escape(industry_name(language, filters.industry))
        if filters.industry is not None
        else every,
        country=escape(country_name(language, filters.country))
        if filters.country is not None
        else every,
        keyword=escape(filters.keyword) if filters.keyword else t(language, "profile.empty"),
    )


def _nav(language: str, key: str, page: Page) -> list[InlineKeyboardButton]:
    row = []
    if page.offset > 0:
        row.append(button(language, "find.previous", FindPage(key, page.offset - page.limit)))
    if page.offset + page.limit < page.total:
        row.append(button(language, "find.next", FindPage(key, page.offset + page.limit)))
    return row


def render_list(
    language: str, role: Role, state: Search, page: Page, is_open: bool = True
) -> tuple[str, InlineKeyboardMarkup]:
    """The list; once requests are closed it says so instead of inviting a request."""
    key = state.key
    pages = max(1, -(-page.total // page.limit))
    lines = [t(language, f"find.title.{role.other.value}"), _filter_line(language, state.filters)]
    if page.total:  # none found is said below; the page only when there are several
        number = page.offset // page.limit + 1
        count = "find.count_paged" if pages > 1 else "find.count"
        lines.append(t(language, count, total=page.total, page=number, pages=pages))
        lines.append(t(language, "find.legend" if is_open else "find.legend_closed"))
    else:
        lines.append(t(language, "find.nothing"))
    rows = [
        [named_button(_label(found, language), FindCard(key, found.company.id))]
        for found in page.rows
    ]
    rows.append(_nav(language, key, page))
    rows.append(
        [
            button(language, "find.by_industry", FindChoices(key, "ind", 0)),
            button(language, "find.by_country", FindChoices(key, "cty", 0)),
        ]
    )
    keyword_row = [button(language, "find.keyword", FindKeyword(key))]
    if state.filters.keyword:
        keyword_row.append(button(language, "find.clear_keyword", FindClearKeyword(key)))
    rows.append(keyword_row)
    rows.append([button(language, "common.back", Menu())])
    return "\n".join(lines), keyboard(*rows)


def render_choices(
    language: str, state: Search, kind: str, number: int
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of the industries (`ind`) or countries (`cty`) to pick from."""
    key, values = state.key, state.industries if kind == "ind" else state.countries
    pick = CATALOG[kind]
    start = number * CHOICES_PER_PAGE
    named = [
        named_button(shown(language, FACETS[kind], value)[:LABEL_MAX], FindPick(key, kind, index))
        for index, value in enumerate(values[start : start + CHOICES_PER_PAGE], start)
    ]
    rows = [named[i : i + 2] for i in range(0, len(named), 2)]
    nav = []
    if number > 0:
        nav.append(button(language, "find.previous", FindChoices(key, kind, number - 1)))
    if start + CHOICES_PER_PAGE < len(values):
        nav.append(button(language, "find.next", FindChoices(key, kind, number + 1)))
    rows.append(nav)
    rows.append([button(language, f"find.all_{pick}", FindPick(key, kind, None))])
    rows.append([button(language, "find.back_to_list", FindBack(key))])
    return t(language, f"find.choose.{pick}"), keyboard(*rows)


async def show_list(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, state: Search
) -> None:
    svc = services(context)
    page, is_open = await svc.run(
        search_page,
        person.participant.id,
        state.filters,
        vocabulary(),
        state.offset,
        PER_PAGE,
        svc.clock(),
    )
    state.offset = page.offset
    _keep(context, state)
    role = person.participant.role
    await show(update, *render_list(person.language, role, state, page, is_open))


@participant()
async def open_find(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    """`find` from the main menu: a fresh search, first page."""
    if update.callback_query is not None:
        await answer_press(update.callback_query)
    await show_list(update, context, person, _start(context))


def _current(context: ContextTypes.DEFAULT_TYPE, key: str) -> Search | None:
    state = _saved(context)
    return state if state is not None and state.key == key else None


async def _pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, kinds: tuple[type[Press], ...]
) -> tuple[Search, Press] | None:
    """Their search and what they pressed; refuses stale or malformed buttons."""
    data = update.callback_query.data
    pressed = decode_any(kinds, data)
    if pressed is None and FindOldCode.decode(data) is not None:
        await refuse(update, t(person.language, "find.stale"))
        return None
    if pressed is None:
        await refuse(update, t(person.language, "error.bad_button"))
        return None
    state = _current(context, pressed.key)
    if state is None:
        await refuse(update, t(person.language, "find.stale"))
        return None
    return state, pressed


async def _choose(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    person: Who,
    state: Search,
    kind: str,
    number: int,
) -> None:
    """Shows page `number` of the industries (`ind`) or countries (`cty`) there are now."""
    listed: Facets = await services(context).run(facets, person.participant.id)
    values = listed.industries if kind == "ind" else listed.countries
    # in the order of the names the person reads, which the buttons' indices then follow
    language, field = person.language, FACETS[kind]
    values.sort(key=lambda value: name_key(language, shown(language, field, value)))
    if number > 0 and number * CHOICES_PER_PAGE >= len(values):
        await refuse(update, t(person.language, "error.bad_button"))
        return
    if kind == "ind":
        state.industries = values
    else:
        state.countries = values
    _keep(context, state)
    await answer_press(update.callback_query)
    await show(update, *render_choices(person.language, state, kind, number))


@participant()
async def press(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    found = await _pressed(update, context, person, PRESSES)
    if found is None:
        return
    state, pressed = found
    query = update.callback_query
    match pressed:
        case FindCard(company=company):
            if await company_card.show_card(update, context, person, company, state.key):
                await answer_press(query)
            return
        case FindChoices(kind=kind, page=number):
            await _choose(update, context, person, state, kind, number)
            return
        case FindPick(kind=kind, index=number):
            values = state.industries if kind == "ind" else state.countries
            if number is not None and number >= len(values):
                await refuse(update, t(person.language, "error.bad_button"))
                return
            chosen = None if number is None else values[number]
            state.filters = replace(state.filters, **{FACETS[kind]: chosen})
            state.offset = 0
        case FindPage(offset=offset):
            state.offset = offset
        case FindClearKeyword():
            state.filters, state.offset = replace(state.filters, keyword=""), 0
    await answer_press(query)
    await show_list(update, context, person, state)


@participant()
async def ask_keyword(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    if await _pressed(update, context, person, (FindKeyword,)) is None:
        return
    typed.arm(context, KEYWORD)
    await answer_press(update.callback_query)
    await update.effective_chat.send_message(t(person.language, "find.ask_keyword"))


@participant_step
async def typed_keyword(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, step: dict
) -> None:
    try:
        keyword = clean_keyword(update.message.text)
    except StoreError as error:
        again = t(person.language, "find.keyword_again")
        await refuse(update, error_text(person.language, error) + "\n" + again)
        return  # the step stays armed: the keyword may be typed again
    typed.disarm(context)
    state = _saved(context) or _start(context)
    state.filters, state.offset = replace(state.filters, keyword=keyword), 0
    await show_list(update, context, person, state)


async def cancel_keyword(update: Update, context: ContextTypes.DEFAULT_TYPE, step: dict) -> None:
    person = await member(update, context)
    if person is None:
        return
    await update.effective_chat.send_message(t(person.language, "find.keyword_unchanged"))
    await show_list(update, context, person, _saved(context) or _start(context))


typed.register(KEYWORD, typed.Step(typed_keyword, cancel_keyword, "find.keyword_text_only"))


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(open_find, pattern=route("find")),
        CallbackQueryHandler(ask_keyword, pattern=route("find.keyword")),
        CallbackQueryHandler(press, pattern=route("find.press")),
        *company_card.handlers(),
    ]


FEATURE = Feature(
    others=handlers,
)
