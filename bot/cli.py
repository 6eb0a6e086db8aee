"""`python -m bot`: runs the bot, and the organizer's set-up tools as subcommands."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import Session
from telegram.helpers import create_deep_linked_url

from bot.settings import Settings
from handlers.admin_common import comparison_lines
from handlers.ui import error_text
from locales import DEFAULT, moment, t, tn
from store.db import make_engine, session_scope, upgrade
from store.errors import EventConfigError, ImportFailed, NoEvent, Problem, StoreError
from store.event import load_config, setup_event
from store.exchange import export_instance
from store.export import workbook
from store.importer import import_participants
from store.matching_run import run_matching
from store.models import MatchMode, utcnow
from store.participants import everyone


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = root.add_subparsers(dest="command")
    run = commands.add_parser("run", help="run the bot (the default)")
    run.add_argument("--webhook", metavar="URL", help="receive updates by webhook at URL")
    run.add_argument("--port", type=int, default=8443, help="webhook listening port")
    commands.add_parser("migrate", help="bring the database schema up to date")
    event = commands.add_parser("setup-event", help="create or update the event from a TOML file")
    event.add_argument("file", type=Path)
    people = commands.add_parser("import", help="import participants from .xlsx or .csv")
    people.add_argument("file", type=Path)
    invites = commands.add_parser("invites", help="write every participant's invite link to CSV")
    invites.add_argument("file", type=Path)
    invites.add_argument("--bot-username", required=True, help="the bot's @username")
    instance = commands.add_parser("export-instance", help="write a matchbot-instance/1 file")
    instance.add_argument("file", type=Path)
    match = commands.add_parser("match", help="run the matching now, keeping manual meetings")
    match.add_argument("--dry", action="store_true", help="show what it would do, store nothing")
    match.add_argument(
        "--mode",
        choices=[mode.value for mode in MatchMode],
        help="the matching mode of this run (default: the event's match_mode)",
    )
    export = commands.add_parser("export", help="write the organizer's Excel workbook")
    export.add_argument("file", type=Path)
    demo = commands.add_parser("demo", help="play a scripted fair against a fake Telegram")
    demo.add_argument("--language", choices=("ko", "en"), default="en")
    return root


# The audit log's admin id for what an organizer does from the command line.
CLI_ADMIN = 0


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = str(problem["loc"][0]).upper()
            cause = str(problem.get("ctx", {}).get("error", ""))
            why = t(DEFAULT, cause) if cause.startswith("setting.") else problem["msg"]
            print(t(DEFAULT, "cli.bad_setting", name=name, why=why), file=sys.stderr)
        raise SystemExit(2) from None


def problem_text(language: str, problem: Problem) -> str:
    why = t(language, f"import.{problem.reason}", value=problem.value, limit=problem.limit)
    if problem.row == 0:
        return t(language, "import.file_problem", value=problem.value, why=why)
    return t(language, "import.problem", row=problem.row, column=problem.column, why=why)


def write_invites(session: Session, path: Path, username: str, language: str) -> int:
    people = everyone(session)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(t(language, "cli.invites_header") + "\r\n")
        writer = csv.writer(handle)
        for p in people:
            link = create_deep_linked_url(username.lstrip("@"), p.invite_token)
            writer.writerow([p.code, p.role.value, p.company, p.contact_name, p.email, link])
    return len(people)


def organizer_tool(args: argparse.Namespace, settings: Settings) -> int:
    language = settings.default_language
    engine = make_engine(settings.database_url)
    upgrade(engine)
    try:
        with session_scope(engine) as session:
            if args.command == "setup-event":
                config = load_config(args.file)
                event = setup_event(session, config)
                days = len({s.day for s in config.slots})
                deadline = moment(event.deadline, language, event.timezone)
                print(
                    t(
                        language,
                        "cli.event_ready",
                        name=event.name,
                        slots=tn(language, "count.slots", len(config.slots)),
                        days=tn(language, "count.days", days),
                        deadline=deadline,
                    )
                )
            elif args.command == "import":
                result = import_participants(session, args.file)
                print(t(language, "cli.imported", created=result.created, updated=result.updated))
            elif args.command == "invites":
                count = write_invites(session, args.file, args.bot_username, language)
                links = tn(language, "count.invite_links", count)
                print(t(language, "cli.invites_written", links=links, path=args.file))
            elif args.command == "export-instance":
                data = export_instance(session)
                args.file.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
                print(t(language, "cli.instance_written", path=args.file))
            elif args.command == "match":
                mode = MatchMode(args.mode) if args.mode else None
                summary = run_matching(session, utcnow(), CLI_ADMIN, dry=args.dry, mode=mode)
                print(
                    t(
                        language,
                        "cli.match_dry" if args.dry else "cli.match_stored",
                        mode=t(language, f"admin.mode.{summary.mode.value}"),
                        meetings=summary.total,
                        unscheduled=sum(summary.unscheduled.values()),
                        added=summary.added,
                        removed=summary.removed,
                    )
                )
                print("\n".join(comparison_lines(language, summary.comparison, summary.mode)))
            elif args.command == "export":
                args.file.write_bytes(workbook(session, language))
                print(t(language, "cli.export_written", path=args.file))
    except ImportFailed as error:
        for problem in error.problems:
            print(problem_text(language, problem), file=sys.stderr)
        problems = tn(language, "count.problems", len(error.problems))
        print(t(language, "cli.import_refused", problems=problems), file=sys.stderr)
        return 2
    except EventConfigError as error:
        why = t(language, f"event.{error.values['reason']}", value=error.values["value"])
        print(
            t(language, "cli.event_refused", field=error.values["field"], why=why), file=sys.stderr
        )
        return 2
    except NoEvent:
        print(t(language, "cli.no_event"), file=sys.stderr)
        return 2
    except StoreError as error:
        print(error_text(language, error), file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = load_settings()
    if args.command == "demo":
        from bot.demo import main as demo

        demo(args.language)
        return 0
    if args.command == "migrate":
        upgrade(make_engine(settings.database_url))
        return 0
    if args.command not in (None, "run"):
        return organizer_tool(args, settings)
    if not settings.telegram_bot_token:
        print(t(settings.default_language, "cli.no_token"), file=sys.stderr)
        return 2
    from bot.runner import run

    run(settings, webhook=getattr(args, "webhook", None), port=getattr(args, "port", 8443))
    return 0
