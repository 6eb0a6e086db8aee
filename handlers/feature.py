"""What one feature module adds to the bot, in one object the application iterates over.

Each feature module ends with

    FEATURE = Feature(
        commands=(Command("deadline", deadline, ADMINS), ...),
        others=handlers,  # def handlers(): its buttons, e.g. CallbackQueryHandler(propose, ...)
        jobs=(TimedJob("meeting-reminders", meeting_reminder_job, meetings_due),),
    )

and bot/app.py lists the modules' FEATUREs in the order their handlers are tried. A command's
scope says which command menu shows it: `ADMINS` (the admins' own menu, in the order the
features list them; its line there is the catalog's `command.NAME`) or `HIDDEN` (answered but
in no menu, such as /apply). The participants' menu is the fixed `PARTICIPANT_COMMANDS` of
handlers/commands.py. So a new admin command is one `Command` in its feature, its handler and
its catalog lines.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from jobs.table import TimedJob


class Scope(StrEnum):
    participants = "participants"  # in every participant's menu (handlers/commands.py)
    admins = "admins"
    hidden = "hidden"


PARTICIPANTS, ADMINS, HIDDEN = Scope.participants, Scope.admins, Scope.hidden


@dataclass(frozen=True)
class Command:
    name: str
    callback: Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
    scope: Scope


def _none() -> list[BaseHandler]:
    return []


@dataclass(frozen=True)
class Feature:
    commands: tuple[Command, ...] = ()
    # its other handlers (buttons, messages), made anew for each Application
    others: Callable[[], list[BaseHandler]] = field(default=_none)
    # its timed jobs (jobs/table.py): name, when due, what it runs
    jobs: tuple[TimedJob, ...] = ()

    def handlers(self) -> list[BaseHandler]:
        """Its command handlers, then the others, in the order they are tried."""
        commands = [CommandHandler(c.name, c.callback) for c in self.commands]
        return [*commands, *self.others()]


def job_table(features: Iterable[Feature]) -> tuple[TimedJob, ...]:
    """The features' timed jobs, in the order of the features."""
    return tuple(job for feature in features for job in feature.jobs)


def admin_commands(features: Iterable[Feature]) -> tuple[str, ...]:
    """The admins' command menu, in the order of the features."""
    return tuple(c.name for f in features for c in f.commands if c.scope == ADMINS)
