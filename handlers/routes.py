"""Every button's callback data, written once: one small class per kind of button.

A button kind is a frozen dataclass with its shape, e.g.

    @press("avail:t:{day}:{slot}")
    class AvailabilityPress(Press):
        day: date
        slot: ID

`AvailabilityPress(day, slot).encode()` is the button's data (renderers pass the object to
`handlers.ui.button`), `AvailabilityPress.decode(data)` the object again, or None for data of
another shape, forged or out of date. The fields' types say what each part may be: `ID` (up
to 10 digits), `Page`, `Key` (a search's random key), `date` (YYYYMMDD), a `Literal` of the
words allowed, `OneOf(...)` for a set known at import, `X | None` for `-`. Nowhere else does
the code write or read callback data.

ROUTES below names, per group of kinds, the module that answers them and the pattern its
`CallbackQueryHandler` matches: the pattern is looser than the kinds on purpose, so a malformed
button of a known feature still reaches that feature, whose guard (handlers/guard.py,
`data=...`) decodes it and answers "this button is not valid (any more)". The first field of
the data (up to the first `:`) is the route's prefix; a prefix belongs to one feature and no
prefix begins another (tests/handlers/test_routes.py). A button with no route reaches
handlers/fallback.py. Telegram allows 64 bytes, checked at every kind's largest values.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from types import UnionType
from typing import (
    Annotated,
    Any,
    ClassVar,
    Literal,
    Self,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from store.fields import ACCOUNT_FIELDS, COMPANY_FIELDS
from store.models import OutcomeResult, Signed

MAX_BYTES = 64  # Telegram's limit for callback data


@dataclass(frozen=True)
class Digits:
    """An annotation: a whole number of at most `n` digits."""

    n: int


@dataclass(frozen=True)
class Pattern:
    """An annotation: text matching `regex`; `largest` is its longest possible value."""

    regex: str
    largest: str


@dataclass(frozen=True)
class OneOf:
    """An annotation: one of these words (known at import, e.g. the profile's fields)."""

    values: tuple[str, ...]

    def __init__(self, *values: str) -> None:
        object.__setattr__(self, "values", values)


ID = Annotated[int, Digits(10)]
Page = Annotated[int, Digits(4)]
Timestamp = Annotated[int, Digits(12)]
Key = Annotated[str, Pattern("[0-9a-f]{6}", "ffffff")]  # a search's key (handlers/find.py)
Word = Annotated[str, Pattern("[a-z_]{1,20}", "z" * 20)]
RequestAction = Literal["acc", "rej", "can", "up", "dn"]  # handlers/request_actions.py
Category = Literal["m", "r", "o"]  # My requests' lists: mutual, received, mine


@dataclass(frozen=True)
class Codec:
    """How one field is written into the data and read back."""

    regex: str
    write: Callable[[Any], str]
    read: Callable[[str], Any]  # may raise ValueError: the data is not valid
    largest: Any  # the value with the longest text, for the 64-byte check


def _date(text: str) -> date:
    return datetime.strptime(text, "%Y%m%d").date()


def _yyyymmdd(day: date) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


def _words(values: tuple[str, ...]) -> Codec:
    return Codec("|".join(map(re.escape, values)), str, str, max(values, key=len))


def codec(annotation: Any) -> Codec:
    origin = get_origin(annotation)
    if origin is Annotated:
        base, meta = get_args(annotation)[:2]
        if isinstance(meta, Digits):
            return Codec(rf"\d{{1,{meta.n}}}", str, base, 10**meta.n - 1)
        if isinstance(meta, OneOf):
            return _words(meta.values)
        return Codec(meta.regex, str, base, meta.largest)
    if origin is Literal:
        return _words(get_args(annotation))
    if origin in (Union, UnionType):
        [inner] = [a for a in get_args(annotation) if a is not type(None)]
        some = codec(inner)
        return Codec(
            f"-|{some.regex}",
            lambda value: "-" if value is None else some.write(value),
            lambda text: None if text == "-" else some.read(text),
            some.largest,
        )
    if annotation is date:
        # Written out by hand: strftime's %Y drops the zeros of a year before 1000 (glibc).
        return Codec(r"\d{8}", _yyyymmdd, _date, date(2000, 12, 31))
    if isinstance(annotation, type) and issubclass(annotation, str):  # a StrEnum
        values = tuple(member.value for member in annotation)  # type: ignore[attr-defined]
        return Codec(
            "|".join(map(re.escape, values)), str, annotation, annotation(max(values, key=len))
        )
    raise TypeError(annotation)  # a field type this module cannot write


class Press:
    """The data of one kind of button (see the module's docstring)."""

    SHAPE: ClassVar[str]
    CODECS: ClassVar[dict[str, Codec]]
    REGEX: ClassVar[re.Pattern[str]]

    def encode(self) -> str:
        return self.SHAPE.format(
            **{name: c.write(getattr(self, name)) for name, c in self.CODECS.items()}
        )

    @classmethod
    def decode(cls, data: str | None) -> Self | None:
        """The button pressed, or None when `data` is not of this kind (never an exception)."""
        match = cls.REGEX.fullmatch(data or "")
        if match is None:
            return None
        try:
            return cls(**{name: c.read(match[name]) for name, c in cls.CODECS.items()})
        except ValueError:
            return None

    @classmethod
    def largest(cls) -> Self:
        return cls(**{name: c.largest for name, c in cls.CODECS.items()})


KINDS: list[type[Press]] = []


P = TypeVar("P", bound=Press)


def press(shape: str) -> Callable[[type[P]], type[P]]:
    """Makes the class a frozen dataclass whose data has `shape` ("{field}" for each field)."""

    def make(cls: type[P]) -> type[P]:
        cls = dataclass(frozen=True)(cls)
        hints = get_type_hints(cls, include_extras=True)
        codecs = {name: codec(hints[name]) for name in cls.__dataclass_fields__}
        regex = ""
        for literal, name, _, _ in string.Formatter().parse(shape):
            regex += re.escape(literal)
            if name is not None:
                regex += f"(?P<{name}>{codecs[name].regex})"
        cls.SHAPE, cls.CODECS, cls.REGEX = shape, codecs, re.compile(regex)
        KINDS.append(cls)
        return cls

    return make


def decode_any(kinds: tuple[type[Press], ...], data: str | None) -> Press | None:
    """The first of `kinds` that `data` decodes as, or None."""
    return next((pressed for kind in kinds if (pressed := kind.decode(data))), None)


# the participant's menus


@press("menu")
class Menu(Press):
    pass


@press("lang")
class LanguageMenu(Press):
    pass


@press("lang:{language}")
class LanguagePick(Press):
    language: Literal["ko", "en"]


@press("apply")
class ApplyStart(Press):
    pass


@press("apply:{role}")
class ApplyRole(Press):
    role: Literal["buyer", "seller"]


@press("{section}")
class ProfileSection(Press):
    section: Literal["acct", "comp"]


@press("pe:{field}")
class ProfileEdit(Press):
    field: Annotated[str, OneOf(*ACCOUNT_FIELDS, *COMPANY_FIELDS)]


# An IANA zone's name (America/Argentina/Buenos_Aires is 30 letters).
Zone = Annotated[str, Pattern(r"[A-Za-z0-9_+\-/]{1,40}", "Z" * 40)]
LanguageCode = Annotated[str, Pattern("[a-z]{2,3}", "zzz")]


@press("pz:{step}:{zone}")
class ProfileZone(Press):
    """The zone an online participant reads times in: `ask` opens the choices, `set` picks."""

    step: Literal["ask", "set"]
    zone: Zone | None


@press("pi:{step}:{language}")
class ProfileInterpreter(Press):
    """The language a buyer needs an interpreter for; `set` with None: none."""

    step: Literal["ask", "set"]
    language: LanguageCode | None


@press("avail")
class AvailabilityOpen(Press):
    pass


@press("avail:t:{day}:{slot}")
class AvailabilityPress(Press):
    """One slot of one day flipped."""

    day: date
    slot: ID


@press("avail:{switch}:{day}")
class AvailabilityDay(Press):
    """A whole day switched on or off."""

    switch: Literal["on", "off"]
    day: date


@press("find")
class FindOpen(Press):
    pass


@press("fd:{key}:k")
class FindKeyword(Press):
    key: Key


@press("fd:{key}:b")
class FindBack(Press):
    key: Key


@press("fd:{key}:x")
class FindClearKeyword(Press):
    key: Key


@press("fd:{key}:p:{offset}")
class FindPage(Press):
    key: Key
    offset: ID


@press("fd:{key}:o:{company}")
class FindCard(Press):
    key: Key
    company: ID


@press("fd:{key}:{kind}-page:{page}")
class FindChoices(Press):
    """A page of the industries (`ind`) or countries (`cty`) to pick from."""

    key: Key
    kind: Literal["ind", "cty"]
    page: ID


@press("fd:{key}:{kind}-pick:{index}")
class FindPick(Press):
    """The index-th choice shown picked, None for all."""

    key: Key
    kind: Literal["ind", "cty"]
    index: ID | None


@press("fd:{key}:{code}:{value}")
class FindOldCode(Press):
    """The single-letter codes buttons had before: answered as out of date."""

    key: Key
    code: Literal["I", "C", "i", "c"]
    value: ID | None


@press("fc:{key}:r:{company}")
class CardAskNote(Press):
    key: Key
    company: ID


@press("fc:{key}:s:{company}")
class CardSkipNote(Press):
    key: Key
    company: ID


@press("fc:{key}:{action}:{request}")
class CardAction(Press):
    key: Key
    action: RequestAction
    request: ID


@press("reqs")
class Requests(Press):
    pass


@press("reqs:l:{category}:{page}")
class RequestList(Press):
    category: Category
    page: Page


@press("reqs:a:{action}:{request}:{category}:{page}")
class RequestListAction(Press):
    action: RequestAction
    request: ID
    category: Category
    page: Page


@press("reqs:n:{action}:{request}")
class RequestNotice(Press):
    """Accept / Reject on the notice of a new request."""

    action: RequestAction
    request: ID


@press("sched")
class ScheduleOpen(Press):
    pass


@press("sched:{what}")
class ScheduleMore(Press):
    what: Literal["img", "ics", "why"]


@press("sched:m:{meeting}")
class ScheduleMeeting(Press):
    meeting: ID


# colleagues (handlers/colleagues.py)


@press("team")
class Colleagues(Press):
    pass


@press("team:new")
class ColleagueInvite(Press):
    pass


@press("team:{step}:{colleague}")
class ColleagueRevoke(Press):
    """✖️ on a colleague (`ask`), then the confirmation (`yes`)."""

    step: Literal["ask", "yes"]
    colleague: ID


# the fair day


@press("att:{answer}:{meeting}")
class Attendance(Press):
    answer: Literal["ok", "no", "keep"]
    meeting: ID


@press("att:x:{meeting}:{cause}")
class AttendanceCause(Press):
    meeting: ID
    cause: Literal["cant_attend", "not_interested", "other"]


@press("rf:{answer}:{offer}")
class RefillAnswer(Press):
    answer: Literal["y", "n"]
    offer: ID


@press("oc:r:{meeting}:{result}")
class OutcomePick(Press):
    meeting: ID
    result: OutcomeResult


@press("oc:{ask}:{meeting}")
class OutcomeAsk(Press):
    ask: Literal["v", "n", "c"]
    meeting: ID


@press("sv:{meeting}:{signed}")
class SurveyAnswer(Press):
    meeting: ID
    signed: Signed


# interpreters (handlers/interpreter_home.py)


@press("itp")
class InterpreterHome(Press):
    pass


@press("itp:{step}:{buyer}:{seller}")
class InterpreterDecline(Press):
    """❌ on a meeting (`ask`), then the confirmation (`no`)."""

    step: Literal["ask", "no"]
    buyer: ID
    seller: ID


@press("itp:ok:{buyer}:{seller}")
class InterpreterConfirm(Press):
    """✅ on an interpreter's reminder: they will be there."""

    buyer: ID
    seller: ID


# organizers


@press("admin")
class AdminHome(Press):
    pass


@press("appdec:{answer}:{application}")
class ApplicationDecision(Press):
    answer: Literal["y", "n"]
    application: ID


@press("low:{participant}")
class LowCountPropose(Press):
    participant: ID


@press("book:{participant}:{counterpart}:{slot}:{anyway}")
class LowCountBook(Press):
    participant: ID
    counterpart: ID
    slot: ID
    anyway: Literal["0", "1"]


@press("reopen:{until}")
class ReopenConfirm(Press):
    until: Timestamp


@press("wd:{action}:{participant}")
class WithdrawConfirm(Press):
    """An organizer's confirmation of /withdraw (`w`) or /restore (`r`)."""

    action: Literal["w", "r"]
    participant: ID


Pace = Literal["free", "paid", "no"]  # handlers/admin_pace.py: the organizer's choice


@press("ann:{choice}:{after}")
class AnnouncePace(Press):
    choice: Pace
    after: ID  # the round the pace was offered after


@press("bcast:{choice}:{key}")
class BroadcastPace(Press):
    choice: Pace
    key: Key  # the broadcast draft waiting in the organizer's state


@dataclass(frozen=True)
class Route:
    prefix: str  # the data's first field ("a|b": either)
    module: str
    pattern: str  # what the CallbackQueryHandler matches (anchored at the start)
    kinds: tuple[type[Press], ...]  # the data it answers


ROUTES: dict[str, Route] = {
    route_name: Route(prefix, module, pattern, kinds)
    for route_name, (prefix, module, pattern, kinds) in {
        # the participant's menus
        "menu": ("menu", "handlers.menu", "menu$", (Menu,)),
        "language": ("lang", "handlers.language", "lang$", (LanguageMenu,)),
        "language.pick": ("lang", "handlers.language", "lang:", (LanguagePick,)),
        "apply": ("apply", "handlers.apply", "apply$", (ApplyStart,)),
        "apply.role": ("apply", "handlers.apply", "apply:", (ApplyRole,)),
        "profile.section": ("acct|comp", "handlers.profile", "(acct|comp)", (ProfileSection,)),
        "profile.edit": ("pe", "handlers.profile", "pe:", (ProfileEdit,)),
        "profile.zone": ("pz", "handlers.profile", "pz:", (ProfileZone,)),
        "profile.interpreter": ("pi", "handlers.profile", "pi:", (ProfileInterpreter,)),
        "availability": ("avail", "handlers.availability", "avail$", (AvailabilityOpen,)),
        "availability.press": (
            "avail",
            "handlers.availability",
            "avail:",
            (AvailabilityPress, AvailabilityDay),
        ),
        "find": ("find", "handlers.find", "find$", (FindOpen,)),
        "find.keyword": ("fd", "handlers.find", "fd:[^:]*:k$", (FindKeyword,)),
        "find.press": (
            "fd",
            "handlers.find",
            "fd:",
            (FindBack, FindClearKeyword, FindPage, FindCard, FindChoices, FindPick, FindOldCode),
        ),
        "card.ask_note": ("fc", "handlers.company_card", "fc:[^:]*:r:", (CardAskNote,)),
        "card.skip_note": ("fc", "handlers.company_card", "fc:[^:]*:s:", (CardSkipNote,)),
        "card.action": ("fc", "handlers.company_card", "fc:[^:]*:[a-z]{2,3}:", (CardAction,)),
        "requests": ("reqs", "handlers.requests", "reqs$", (Requests,)),
        "requests.page": (
            "reqs",
            "handlers.requests",
            "reqs:[la]:",
            (RequestList, RequestListAction),
        ),
        "requests.notice": (
            "reqs",
            "handlers.request_actions",
            "reqs:n:",
            (RequestNotice,),
        ),
        "schedule": (
            "sched",
            "handlers.schedule",
            "sched(:|$)",
            (ScheduleOpen, ScheduleMore, ScheduleMeeting),
        ),
        "colleagues": ("team", "handlers.colleagues", "team$", (Colleagues,)),
        "colleagues.invite": ("team", "handlers.colleagues", "team:new$", (ColleagueInvite,)),
        "colleagues.revoke": (
            "team",
            "handlers.colleagues",
            "team:(?!new$)",
            (ColleagueRevoke,),
        ),
        # the fair day
        "attendance": ("att", "handlers.meeting_day", "att:", (Attendance, AttendanceCause)),
        "refill": ("rf", "handlers.refill_offers", "rf:", (RefillAnswer,)),
        "interpreter": (
            "itp",
            "handlers.interpreter_home",
            "itp(:|$)",
            (InterpreterHome, InterpreterDecline, InterpreterConfirm),
        ),
        "outcome": ("oc", "handlers.outcomes", "oc:", (OutcomePick, OutcomeAsk)),
        "survey": ("sv", "handlers.survey", "sv:", (SurveyAnswer,)),
        # organizers
        "admin": ("admin", "handlers.guide", "admin$", (AdminHome,)),
        "application.decision": ("appdec", "handlers.apply", "appdec:", (ApplicationDecision,)),
        "lowcount.propose": ("low", "handlers.admin_match", "low:", (LowCountPropose,)),
        "lowcount.book": ("book", "handlers.admin_match", "book:", (LowCountBook,)),
        "reopen": ("reopen", "handlers.admin_reopen", "reopen:", (ReopenConfirm,)),
        "withdraw": ("wd", "handlers.admin_withdraw", "wd:", (WithdrawConfirm,)),
        "announce.pace": ("ann", "handlers.admin_announce", "ann:", (AnnouncePace,)),
        "broadcast.pace": ("bcast", "handlers.admin_announce", "bcast:", (BroadcastPace,)),
    }.items()
}


@cache
def route(name: str) -> re.Pattern[str]:
    """The CallbackQueryHandler pattern of the route `name` (one compiled object per route)."""
    return re.compile("^" + ROUTES[name].pattern)
