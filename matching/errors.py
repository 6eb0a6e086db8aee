"""Errors for input that breaks the file formats; each carries every problem found."""


class InputError(ValueError):
    """A file or document is refused as a whole; `problems` has one line per offending entry."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class InstanceError(InputError):
    """The instance is invalid (spec: "Invalid input is refused as a whole")."""


class ScheduleError(InputError):
    """The schedule file is malformed, so it cannot even be checked against its instance."""
