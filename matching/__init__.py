"""Matchbot's scheduling engine: who meets whom, when, for an export fair's 1:1 meetings.

No Telegram, no database: mode `greedy` is pure Python; mode `optimal` also uses HiGHS
(through `highspy`: linear programs for the bound, integer programs for repairs). The files
and rules: `docs/matching.md`. An instance (the event) goes in, a schedule comes out.

    instance = parse_instance(document)        # raises InstanceError(.problems) when invalid
    schedule = solve(instance, mode="greedy")  # or greedy.solve(instance)
    schedule = solve(instance, mode="optimal", time_limit=30.0)  # more meetings, fewer idle
                                               # periods; bound and ratios in schedule.details
    document = schedule_to_dict(schedule)      # the schedule file, as a dict
    problems = check(instance, schedule)       # [] when the schedule keeps every rule

The same is available on files from the command line: `python -m matching --help`.
"""

from matching.check import check
from matching.errors import InputError, InstanceError, ScheduleError
from matching.generate import generate
from matching.instance_file import dump_instance, instance_to_dict, load_instance, parse_instance
from matching.model import (
    Fixed,
    Instance,
    Meeting,
    Participant,
    Reason,
    Request,
    RequestStatus,
    Role,
    Schedule,
    Slot,
    Tier,
    Unscheduled,
)
from matching.modes import MODES, solve
from matching.schedule_file import dump_schedule, load_schedule, parse_schedule, schedule_to_dict

__all__ = [
    "MODES",
    "Fixed",
    "InputError",
    "Instance",
    "InstanceError",
    "Meeting",
    "Participant",
    "Reason",
    "Request",
    "RequestStatus",
    "Role",
    "Schedule",
    "ScheduleError",
    "Slot",
    "Tier",
    "Unscheduled",
    "check",
    "dump_instance",
    "dump_schedule",
    "generate",
    "instance_to_dict",
    "load_instance",
    "load_schedule",
    "parse_instance",
    "parse_schedule",
    "schedule_to_dict",
    "solve",
]
