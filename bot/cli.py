"""`python -m bot`: runs the bot, and the organizer's set-up tools as subcommands."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any, NoReturn

import sqlalchemy as sa
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.import_report import column_label, report_lines, slip_line
from bot.invites import bot_username, write_invites
from bot.settings import Settings, cli_language
from handlers.wording import changes, counted_items, error_text, withdrawn
from locales import catalog, moment, t, tn
from store.db import Run, make_engine, normalize_url, transaction, upgrade
from store.errors import EventConfigError, ImportFailed, NoEvent, Problem, StoreError
from store.event import load_config, setup_event_checked
from store.exchange import export_instance
from store.export import export_data
from store.import_columns import HEADERS, accepted
from store.importer import import_participants
from store.interpreter_import import HEADERS as INTERPRETER_HEADERS
from store.interpreter_import import import_interpreters
from store.invitations import invitations
from store.matching_run import run_matching
from store.models import MatchMode, utcnow
from store.names import event_name
from store.results import results
from store.withdrawal import restore, withdraw
from views.export_workbook import workbook
from views.matching_summary import changes_lines, comparison_lines
from views.results_workbook import results_workbook
from views.vocabulary import vocabulary

# What organizers type (README): the hints and the usage line name it, not `python -m bot`.
PROG = "scripts/run"
# argparse's own refusals (English, from argparse's source), said again in the organizer's
# language; the usage line above them stays as argparse prints it.
CHOICE = r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"
USAGE_ERRORS = (
    ("command", re.compile(r"argument (?!-)[^:]+: " + CHOICE)),  # the one positional with choices
    ("required", re.compile(r"the following arguments are required: (?P<names>.+)")),
    ("unrecognized", re.compile(r"unrecognized arguments: (?P<names>.+)")),
    ("choice", re.compile(r"argument (?P<names>\S+): " + CHOICE)),
)


class Formatter(argparse.HelpFormatter):
    """argparse's help with its own words ("usage:") in DEFAULT_LANGUAGE."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        # argparse passes "" when it builds a subcommand's name from this line
        said = t(cli_language(), "cli.help.usage") if prefix is None else prefix
        super().add_usage(usage, actions, groups, said)


class Parser(argparse.ArgumentParser):
    """argparse in DEFAULT_LANGUAGE (or `language`): its help, its headings and its refusals
    (one sentence)."""

    def __init__(self, *args: Any, language: str | None = None, **kwargs: Any) -> None:
        kwargs.update(add_help=False, formatter_class=Formatter)
        super().__init__(*args, **kwargs)
        language = language or cli_language()
        self._positionals.title = t(language, "cli.help.positionals")
        self._optionals.title = t(language, "cli.help.options")
        self.add_argument(
            "-h",
            "--help",
            action="help",
            default=argparse.SUPPRESS,
            help=t(language, "cli.help.help"),
        )

    def error(self, message: str) -> NoReturn:
        language = cli_language()
        self.print_usage(sys.stderr)
        for kind, pattern in USAGE_ERRORS:
            found = pattern.fullmatch(message)
            if found:
                values = {k: v.replace("'", "") for k, v in found.groupdict().items()}
                print(t(language, f"cli.usage.{kind}", prog=self.prog, **values), file=sys.stderr)
                break
        else:
            print(t(language, "cli.usage.other", prog=self.prog, detail=message), file=sys.stderr)
        raise SystemExit(2)


def parser() -> argparse.ArgumentParser:
    """The command line in the language DEFAULT_LANGUAGE names now."""
    return _parser(cli_language())


@cache
def _parser(language: str) -> argparse.ArgumentParser:
    """Built once a language: its sixteen parsers cost 12 ms of CPU (each of them reading the
    settings for its language, argparse looking up its gettext catalogs), more than many
    commands, and the tests run the command line a hundred times in a process. argparse
    keeps nothing of one `parse_args` for the next."""

    def said(key: str) -> str:
        return t(language, f"cli.help.{key}")

    root = Parser(prog=PROG, description=said("description"), language=language)
    commands = root.add_subparsers(
        dest="command", metavar=said("command"), parser_class=partial(Parser, language=language)
    )
    run = commands.add_parser("run", help=said("run"), description=said("run"))
    run.add_argument("--webhook", metavar="URL", help=said("webhook"))
    run.add_argument(
        "--port", type=int, default=8443, metavar=said("value.port"), help=said("port")
    )
    run.add_argument(
        "--listen", default="0.0.0.0", metavar=said("value.listen"), help=said("listen")
    )
    run.add_argument("--path", metavar=said("value.path"), help=said("path"))
    commands.add_parser("migrate", help=said("migrate"), description=said("migrate"))
    for tool in TOOLS:
        command = commands.add_parser(tool.name, help=said(tool.name), description=said(tool.name))
        if tool.file:
            help_ = said(f"{tool.name}.file")
            command.add_argument("file", type=Path, metavar=said("file"), help=help_)
        tool.arguments(command, said)
    demo = commands.add_parser("demo", help=said("demo"), description=said("demo"))
    demo.add_argument("--language", choices=("ko", "en"), default="en", help=said("language"))
    commands.add_parser("screens", help=said("screens"), description=said("screens"))
    return root


# The audit log's admin id for what an organizer does from the command line.
CLI_ADMIN = 0


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        language = cli_language()
        for problem in error.errors():
            name = str(problem["loc"][0]).upper()
            why = setting_problem(language, problem)
            print(t(language, "cli.bad_setting", name=name, why=why), file=sys.stderr)
        raise SystemExit(2) from None
    except UnicodeDecodeError:  # pydantic-settings reads .env as UTF-8
        print(t(cli_language(), "cli.env_not_utf8"), file=sys.stderr)
        raise SystemExit(2) from None


# pydantic's own checks of a setting (its error types), in the catalogs' words: its messages
# are English, on the Korean command line too.
PYDANTIC_REASONS = {
    "int_parsing": "setting.whole_number",
    "int_from_float": "setting.whole_number",
    "greater_than_equal": "setting.at_least",
}


def setting_problem(language: str, problem: ErrorDetails) -> str:
    """Why a setting was refused: our validators' catalog key, else pydantic's check."""
    context = problem.get("ctx", {})
    cause = str(context.get("error", ""))
    if cause.startswith("setting."):
        return t(language, cause)
    reason = PYDANTIC_REASONS.get(problem["type"], "setting.not_valid")
    return t(language, reason, limit=context.get("ge"))


def problem_text(language: str, problem: Problem, headers: dict[str, str]) -> str:
    if problem.reason == "missing_column":
        # a participant list's or an interpreter list's: the headers that would do, and the
        # file's closest when there is one
        names = (
            accepted(problem.column)
            if problem.column in HEADERS
            else INTERPRETER_HEADERS[problem.column]
        )
        return t(
            language,
            "import.missing_column_near" if problem.value else "import.missing_column",
            row=problem.row,
            column=column_label(language, problem.column),
            names=", ".join(names),
            near=problem.value,
        )
    # A malformed e-mail, phone or website says what one looks like.
    own = f"import.{problem.reason}.{problem.column}"
    key = own if own in catalog(language) else f"import.{problem.reason}"
    why = t(language, key, value=problem.value, limit=problem.limit, detail=problem.detail)
    if problem.row == 0:
        return why  # the whole file: a sentence naming it
    # As the organizer's file names it, else by the catalog's name of the column.
    column = headers.get(problem.column) or column_label(language, problem.column)
    return t(language, "import.problem", row=problem.row, column=column, why=why)


def event_refusal(language: str, error: EventConfigError) -> str:
    values = {k: v for k, v in error.values.items() if k != "reason"}
    why = t(language, f"event.{error.values['reason']}", **values)
    return t(language, "cli.event_refused", why=why)


def cli_error_text(language: str, error: StoreError) -> str:
    """The bot's refusal, or its command-line wording where the bot's names a bot command
    (`cli.error.*`: the CLI's own flags instead of /match dry)."""
    own = f"cli.error.{error.key}"
    if own in catalog(language):
        return t(language, own, **{k: v for k, v in error.values.items() if isinstance(v, str)})
    return error_text(language, error)


class Refused(Exception):
    """A start-up check failed; its sentence was printed."""


def shown_url(settings: Settings) -> str:
    """The database's address as an organizer may see it: without its password."""
    return sa.engine.make_url(normalize_url(settings.database_url)).render_as_string(
        hide_password=True
    )


def open_database(settings: Settings) -> sa.Engine:
    """The engine, schema up to date; a database that can't be opened is a sentence."""
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    except sa.exc.SQLAlchemyError:
        engine.dispose()
        url = shown_url(settings)
        print(t(settings.default_language, "cli.database_unreachable", url=url), file=sys.stderr)
        raise Refused() from None
    return engine


def telegram_base(settings: Settings) -> str:
    return (settings.telegram_api_base_url or "https://api.telegram.org").rstrip("/")


async def reach_telegram(settings: Settings) -> str | None:
    """None when Telegram answers with this token, else the catalog key saying why not.
    Checked before PTB starts, so a network that is down is one sentence, not PTB's retries,
    traceback and unclosed sessions."""
    # Here, not at the top: the organizer's commands never talk to Telegram (0.4 s of CPU each)
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError

    from bot.api_request import ApiRequest

    base = telegram_base(settings)
    bot = Bot(
        settings.telegram_bot_token,
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        # both: PTB's default (httpx) builds a TLS context, loading the certificate bundle
        request=ApiRequest.lasting(settings.telegram_timeout_seconds),
        get_updates_request=ApiRequest(),
    )
    try:
        async with bot:  # getMe; on failure PTB closes what it opened
            return None
    except InvalidToken:
        return "cli.token_refused"
    except TelegramError:  # NetworkError, TimedOut, or an answer that is not the Bot API's
        return "cli.telegram_unreachable"


Said = Callable[[str], str]  # a `cli.help.*` text in the command line's language


def _no_arguments(command: argparse.ArgumentParser, said: Said) -> None:
    pass


@dataclass(frozen=True)
class Tool:
    """One organizer subcommand working on the database: its name (its help is the catalog's
    `cli.help.NAME`), its arguments and what it does, in one transaction: `work(run, args,
    language)` runs its store operation (`run(operation, ...)`, store/db.py `transaction`),
    prints what it did and returns the exit code (None: 0)."""

    name: str
    work: Callable[[Run, argparse.Namespace, str], int | None]
    arguments: Callable[[argparse.ArgumentParser, Said], None] = _no_arguments
    file: bool = True  # the file it reads or writes (`cli.help.NAME.file`)
    writes: bool = False  # a file it cannot write is a sentence
    # Excel refuses to open a workbook named .csv ("format and extension don't match"), so
    # another name is refused before anything is written.
    workbook: bool = False


def setup_event_tool(run: Run, args: argparse.Namespace, language: str) -> None:
    config = load_config(args.file)
    event = run(setup_event_checked, config, utcnow())
    days = len({s.day for s in config.slots})
    print(
        t(
            language,
            "cli.event_ready_day_end" if config.deadline_day_only else "cli.event_ready",
            name=event_name(event, language),
            slots=tn(language, "count.slots", len(config.slots)),
            days=tn(language, "count.days", days),
            deadline=moment(event.deadline, language, event.timezone),
        )
    )


def import_options(command: argparse.ArgumentParser, said: Said) -> None:
    command.add_argument("--dry-run", action="store_true", help=said("dry_run"))
    command.add_argument("--prefer-file", action="store_true", help=said("prefer_file"))


def import_tool(run: Run, args: argparse.Namespace, language: str) -> None:
    result = run(
        import_participants,
        args.file,
        vocabulary(),
        dry=args.dry_run,
        prefer_file=args.prefer_file,
        admin_id=CLI_ADMIN,
    )
    if result.encoding is not None:
        print(t(language, "cli.read_as", path=args.file, encoding=result.encoding))
    print("\n".join(report_lines(language, result)))


def interpreters_options(command: argparse.ArgumentParser, said: Said) -> None:
    command.add_argument("--dry-run", action="store_true", help=said("dry_run"))


def interpreters_tool(run: Run, args: argparse.Namespace, language: str) -> None:
    done = run(import_interpreters, args.file, dry=args.dry_run, admin_id=CLI_ADMIN)
    if done.encoding is not None:
        print(t(language, "cli.read_as", path=args.file, encoding=done.encoding))
    counts = {"created": done.created, "updated": done.updated, "unchanged": done.unchanged}
    imported = counted_items(language, "cli.interpreters", counts)
    unchanged = t(language, "cli.interpreters_unchanged")
    key = "cli.interpreters_dry" if done.dry else "cli.interpreters_imported"
    print(t(language, key, changes=imported or unchanged))
    for slip in done.slips:
        print(slip_line(language, slip))


def invites_options(command: argparse.ArgumentParser, said: Said) -> None:
    command.add_argument(
        "--bot-username",
        required=True,
        metavar=said("value.bot_username"),
        help=said("bot_username"),
    )


def invites_tool(run: Run, args: argparse.Namespace, language: str) -> int | None:
    username = bot_username(args.bot_username)
    if username is None:
        print(t(language, "cli.bad_bot_username", value=args.bot_username), file=sys.stderr)
        return 2
    count = write_invites(run(invitations), args.file, username, language)
    links = tn(language, "count.invite_links", count)
    print(t(language, "cli.invites_written", links=links, path=args.file.resolve()))
    print(t(language, "cli.invites_secret"))
    return None


def export_instance_tool(run: Run, args: argparse.Namespace, language: str) -> None:
    data = run(export_instance)
    args.file.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    print(t(language, "cli.instance_written", path=args.file))


def match_options(command: argparse.ArgumentParser, said: Said) -> None:
    command.add_argument("--dry", action="store_true", help=said("dry"))
    command.add_argument("--mode", choices=[mode.value for mode in MatchMode], help=said("mode"))


def match_tool(run: Run, args: argparse.Namespace, language: str) -> None:
    mode = MatchMode(args.mode) if args.mode else None
    summary = run(run_matching, utcnow(), CLI_ADMIN, dry=args.dry, mode=mode)
    figures = counted_items(
        language,
        "cli.match",
        {"meetings": summary.total, "unscheduled": sum(summary.unscheduled.values())},
    )
    print(
        t(
            language,
            "cli.match_dry" if args.dry else "cli.match_stored",
            mode=t(language, f"admin.mode.{summary.mode.value}"),
            figures=figures or t(language, "cli.match_nothing"),
        )
    )
    # the same rules as the bot's summary: nothing on the first matching
    for line in changes_lines(language, summary):
        print(line)
    compared = comparison_lines(
        language, summary.comparison, summary.mode, title_key="cli.compare_title"
    )
    print("\n".join(compared))


def export_tool(run: Run, args: argparse.Namespace, language: str) -> None:
    args.file.write_bytes(workbook(run(export_data), language))
    print(t(language, "cli.export_written", path=args.file))


def export_results_tool(run: Run, args: argparse.Namespace, language: str) -> None:
    args.file.write_bytes(results_workbook(run(results, utcnow()), language))
    print(t(language, "cli.results_written", path=args.file))


def withdraw_options(command: argparse.ArgumentParser, said: Said) -> None:
    command.add_argument("code", metavar=said("code"), help=said("withdraw.code"))
    command.add_argument("--reason", default="", metavar=said("value.reason"), help=said("reason"))


def withdraw_tool(run: Run, args: argparse.Namespace, language: str) -> None:
    done = run(withdraw, CLI_ADMIN, args.code, args.reason, utcnow())
    print(withdrawn(done, language, html=False))
    print(t(language, "cli.withdrawal_told"))


def restore_options(command: argparse.ArgumentParser, said: Said) -> None:
    command.add_argument("code", metavar=said("code"), help=said("withdraw.code"))


def restore_tool(run: Run, args: argparse.Namespace, language: str) -> None:
    done = run(restore, CLI_ADMIN, args.code, utcnow())
    print(t(language, "restore.done", **changes(done, language, html=False)))


# In the order `--help` lists them, after run and migrate.
TOOLS = (
    Tool("setup-event", setup_event_tool),
    Tool("import", import_tool, import_options),
    Tool("interpreters", interpreters_tool, interpreters_options),
    Tool("invites", invites_tool, invites_options, writes=True),
    Tool("export-instance", export_instance_tool, writes=True),
    Tool("match", match_tool, match_options, file=False),
    Tool("export", export_tool, writes=True, workbook=True),
    Tool("export-results", export_results_tool, writes=True, workbook=True),
    Tool("withdraw", withdraw_tool, withdraw_options, file=False),
    Tool("restore", restore_tool, restore_options, file=False),
)
BY_NAME = {tool.name: tool for tool in TOOLS}


def organizer_tool(args: argparse.Namespace, settings: Settings, engine: sa.Engine) -> int:
    """Runs the subcommand's tool in one transaction; a refusal is one sentence and exit 2."""
    language = settings.default_language
    tool = BY_NAME[args.command]
    if tool.workbook and args.file.suffix.lower() != ".xlsx":
        print(t(language, "cli.not_xlsx", path=args.file), file=sys.stderr)
        return 2
    try:
        with transaction(engine) as run:
            code = tool.work(run, args, language)
    except ImportFailed as error:
        if error.encoding is not None:
            print(t(language, "cli.read_as", path=args.file, encoding=error.encoding))
        for problem in error.problems:
            print(problem_text(language, problem, error.headers), file=sys.stderr)
        if not any(problem.row == 0 for problem in error.problems):
            problems = tn(language, "count.problems", len(error.problems))
            print(t(language, "cli.import_refused", problems=problems), file=sys.stderr)
        return 2
    except EventConfigError as error:
        print(event_refusal(language, error), file=sys.stderr)
        return 2
    except OSError:
        if not tool.writes:
            raise
        print(t(language, "cli.cannot_write", path=args.file), file=sys.stderr)
        return 2
    except NoEvent:
        print(t(language, "cli.no_event"), file=sys.stderr)
        return 2
    except StoreError as error:
        print(cli_error_text(language, error), file=sys.stderr)
        return 2
    return code or 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = load_settings()
    if args.command == "demo":
        from bot.demo import main as demo

        demo(args.language)
        return 0
    if args.command == "screens":
        from bot.screens import main as screens

        screens()
        return 0
    try:
        engine = open_database(settings)
    except Refused:
        return 2
    if args.command not in (None, "run", "migrate"):
        return organizer_tool(args, settings, engine)
    engine.dispose()
    if args.command == "migrate":
        print(t(settings.default_language, "cli.migrated", url=shown_url(settings)))
        return 0
    language = settings.default_language
    if not settings.telegram_bot_token:
        print(t(language, "cli.no_token"), file=sys.stderr)
        return 2
    url = getattr(args, "webhook", None)
    if url and not settings.webhook_secret:
        print(t(language, "cli.no_webhook_secret"), file=sys.stderr)
        return 2
    problem = asyncio.run(reach_telegram(settings))
    if problem is not None:
        print(t(language, problem, url=telegram_base(settings)), file=sys.stderr)
        return 2
    from bot.runner import Webhook, run

    if not url:
        run(settings)
        return 0
    from bot.webhook import path_of  # aiohttp's server, a tenth of a second to import: webhook only

    path = "/" + (args.path or path_of(url)).lstrip("/")
    run(settings, Webhook(url, settings.webhook_secret, args.listen, args.port, path))
    return 0
