"""What `import` tells the organizer: what it did (or, with --dry-run, would do), field by
field, the conflicts it kept, who is no longer in the file and which fields it left alone."""

from __future__ import annotations

from collections import Counter

from locales import catalog, industry_list, shown, t, tn
from store.import_slips import ROWS_SHOWN, Slip
from store.importer import ImportResult

SHOWN_CHANGES = 10  # the first few changes, by participant; the counts say the rest
SHOWN_ABSENT = 30


def column_label(language: str, key: str) -> str:
    """A column (or field) as the organizer's catalog names it: 참가번호, 이메일."""
    texts = catalog(language)
    return texts.get(f"import.column.{key}") or texts.get(f"field.{key}", key)


def _more(language: str, lines: list[str], total: int) -> list[str]:
    if total > len(lines):
        lines.append(tn(language, "count.import_more", total - len(lines)))
    return lines


def _codes(language: str, codes: tuple[str, ...]) -> str:
    """Participants' codes, the first SHOWN_ABSENT of them and how many more."""
    shown_codes = ", ".join(codes[:SHOWN_ABSENT])
    if len(codes) > SHOWN_ABSENT:
        more = tn(language, "count.import_more_codes", len(codes) - SHOWN_ABSENT)
        shown_codes += " " + more
    return shown_codes


def report_lines(language: str, result: ImportResult) -> list[str]:
    counts = [
        ("count.import_new", result.created),
        ("count.import_changed", result.updated),
        ("count.import_unchanged", result.unchanged),
        ("count.import_conflicts", len(result.conflicts)),
        ("count.import_absent", len(result.absent)),
    ]
    # the counts that are not zero ("no new participants" only for a file that changes nothing)
    parts = ", ".join(tn(language, key, count) for key, count in counts if count) or tn(
        language, "count.import_new", 0
    )
    lines = [t(language, "cli.import_dry" if result.dry else "cli.imported", parts=parts)]
    if result.changes:
        per_field = Counter(change.field for change in result.changes)
        fields = ", ".join(
            tn(language, "count.import_field", count, field=column_label(language, field))
            for field, count in per_field.most_common()
        )
        lines.append(t(language, "cli.import_fields", fields=fields))
        first = [
            t(
                language,
                "cli.import_change",
                code=change.code,
                field=column_label(language, change.field),
                old=shown(language, change.field, change.old),
                new=shown(language, change.field, change.new),
            )
            for change in result.changes[:SHOWN_CHANGES]
        ]
        lines += _more(language, first, len(result.changes))
    if result.conflicts:
        taken = "cli.import_conflicts_taken" if result.prefer_file else "cli.import_conflicts_kept"
        lines.append(t(language, taken))
        lines += [
            t(
                language,
                "cli.import_conflict",
                code=c.code,
                field=column_label(language, c.field),
                bot=shown(language, c.field, c.bot),
                file=shown(language, c.field, c.file),
            )
            for c in result.conflicts
        ]
    if result.withdrawn:
        codes, example = _codes(language, result.withdrawn), result.withdrawn[0]
        lines.append(t(language, "cli.import_withdrawn", codes=codes, example=example))
    if result.absent:
        lines.append(t(language, "cli.import_absent", codes=_codes(language, result.absent)))
    if result.ignored:
        ignored = ", ".join(f"“{title}”" for title in result.ignored)
        lines.append(t(language, "cli.import_ignored", columns=ignored))
    lines += [slip_line(language, slip) for slip in result.slips]
    if result.untouched and (result.updated or result.unchanged or result.conflicts):
        fields = ", ".join(column_label(language, key) for key in result.untouched)
        lines.append(t(language, "cli.import_untouched", fields=fields))
    return lines


def slip_line(language: str, slip: Slip) -> str:
    """A warning, after the rows it is about: `3행, 7행: 업종 “자동차부품” 값을 …`."""
    kind = f".{slip.column}" if slip.reason in {"matched", "unknown"} else ""
    text = t(
        language,
        f"cli.slip.{slip.reason}{kind}",
        value=slip.value,
        detail=slip.detail,
        column=column_label(language, slip.column),
        name=shown(language, slip.column, slip.detail),
        names=industry_list(language),
    )
    if not slip.rows:
        return text
    rows = ", ".join(str(row) for row in slip.rows[:ROWS_SHOWN])
    if len(slip.rows) > ROWS_SHOWN:
        rows += " …"
    where = tn(language, "count.slip_rows", len(slip.rows), rows=rows)
    return t(language, "cli.slip_where", where=where, slip=text)
