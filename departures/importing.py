"""CSV import: one row per departure, with numbered source columns.

Every row is parsed and recorded through `departure_record` inside one
transaction; any error aborts the whole file and is reported by line number
and column.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from departures.models import Citation, Departure, Source, Tag
from departures.normalization import normalize_url
from departures.services import SourceInput, departure_record
from people.dates import PartialDate
from people.models import Organization, Person, Role

COLUMNS = {
    "person": "Full name. Matched to an existing person regardless of case.",
    "organization": "The organization left. Matched regardless of case.",
    "role_title": "The title as written, e.g. Chief Technology Officer.",
    "seniority": "One of: " + ", ".join(Role.Seniority.values) + ".",
    "function": "One of: " + ", ".join(Role.Function.values) + ".",
    "founder": "true or false: the role left was a founder's.",
    "role_start": "When the role began: YYYY, YYYY-MM or YYYY-MM-DD. Optional.",
    "role_end": "When the role ended, same format. Optional.",
    "announced": "When the departure became public, same format. Required.",
    "effective": "When the person actually left, same format. Optional.",
    "reason": "One of: " + ", ".join(Departure.Reason.values) + ".",
    "involuntary": "true or false; only for health_personal (ousted and died "
    "always are). Optional.",
    "stated_reason": "The reason in the words of the person or organization.",
    "context": "What others reported about why.",
    "disputed": "true or false: sources conflict on a fact of this row.",
    "disputed_note": "What the sources disagree on. Required when disputed.",
    "destination": "Where they went next (organization name). Optional.",
    "destination_title": "Their title there. Optional.",
    "successor": "Who took over (person name). Optional.",
    "status": "One of: " + ", ".join(Departure.Status.values) + ".",
    "reversed_on": "YYYY-MM-DD when the departure was undone. Optional.",
    "reversal_note": "How it was undone. Optional.",
    "tags": "Theme names separated by semicolons. Optional.",
    "published": "true to publish (needs a source and the publish permission), "
    "false to make it a draft; empty leaves a recorded departure as it is and "
    "makes a new one a draft.",
}
SOURCE_COLUMNS = {
    "url": "The page. Matched to an existing source after normalization.",
    "title": "The headline. Optional.",
    "publisher": "The outlet. Optional.",
    "published": "When the page was published: YYYY, YYYY-MM or YYYY-MM-DD.",
    "kind": "One of: " + ", ".join(Source.Kind.values) + ".",
    "quote": "The passage that backs this departure. Optional.",
    "archived_url": "A web-archive copy. Optional.",
}
# The admin page carries the previewed file back in a form field, which must
# stay under DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) once signed and compressed.
MAX_UPLOAD_BYTES = 2_000_000
REQUIRED = ("person", "organization", "role_title", "announced")
_SOURCE_COLUMN = re.compile(r"^source(\d+)_(\w+)$")
COUNTED = (Person, Organization, Role, Departure, Source, Citation, Tag)


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class Outcome:
    """What a row did to one record: created, changed or reused it."""

    action: str
    kind: str
    label: str


@dataclass
class RowOutcome:
    line: int
    departure: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def action(self) -> str:
        """The departure's own fate: created, changed or unchanged."""
        for outcome in self.outcomes:
            if outcome.kind == "departure":
                return outcome.action
        return "unchanged"


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    outcomes: list[RowOutcome] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return any(
            outcome.action in {"created", "changed"}
            for row in self.outcomes
            for outcome in row.outcomes
        )

    def summary(self) -> str:
        if self.errors:
            return f"{len(self.errors)} error(s); nothing was imported."
        made = ", ".join(f"{n} {name}" for name, n in self.created.items() if n)
        verb = "would create" if self.dry_run else "created"
        fates = {
            action: sum(row.action == action for row in self.outcomes)
            for action in ("created", "changed", "unchanged")
        }
        departures = ", ".join(f"{n} {action}" for action, n in fates.items() if n)
        return (
            f"{self.rows} row(s) read; {verb} {made or 'nothing new'}; "
            f"departures: {departures or 'none'}."
        )


class RowInvalid(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors


def _bool(value: str, column: str, line: int) -> bool:
    value = value.strip().lower()
    if value in {"", "false", "no", "0"}:
        return False
    if value in {"true", "yes", "1"}:
        return True
    raise RowInvalid([RowError(line, column, f"“{value}” is not true or false.")])


def _optional_bool(value: str, column: str, line: int) -> bool | None:
    return _bool(value, column, line) if value.strip() else None


def _choice(value: str, choices, column: str, line: int, default: str) -> str:
    value = value.strip() or default
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise RowInvalid(
            [RowError(line, column, f"“{value}” is not one of: {allowed}.")]
        )
    return value


def parse_row(row: dict[str, str], line: int) -> dict:
    """Turn one CSV row into keyword arguments for `departure_record`."""
    errors: list[RowError] = []

    def get(column: str) -> str:
        return (row.get(column) or "").strip()

    def attempt(fn, *args):
        try:
            return fn(*args)
        except RowInvalid as invalid:
            errors.extend(invalid.errors)
            return None

    def partial(column: str) -> PartialDate | None:
        if not get(column):
            return None
        try:
            return PartialDate.parse(get(column))
        except ValueError as error:
            raise RowInvalid([RowError(line, column, str(error))]) from None

    def full_date(column: str) -> datetime.date | None:
        value = partial(column)
        if value and value.precision != "day":
            raise RowInvalid([RowError(line, column, "Use a full YYYY-MM-DD date.")])
        return value.start if value else None

    for column in REQUIRED:
        if not get(column):
            errors.append(RowError(line, column, "This column is required."))

    kwargs = {
        "person": get("person"),
        "organization": get("organization"),
        "role_title": get("role_title"),
        "seniority": attempt(
            _choice, get("seniority"), Role.Seniority, "seniority", line, "c_suite"
        ),
        "function": attempt(
            _choice, get("function"), Role.Function, "function", line, "executive"
        ),
        "is_founder": attempt(_bool, get("founder"), "founder", line),
        "role_start": attempt(partial, "role_start"),
        "role_end": attempt(partial, "role_end"),
        "announced": attempt(partial, "announced"),
        "effective": attempt(partial, "effective"),
        "reason": attempt(
            _choice, get("reason"), Departure.Reason, "reason", line, "undisclosed"
        ),
        "is_involuntary": attempt(_bool, get("involuntary"), "involuntary", line),
        "stated_reason": get("stated_reason"),
        "context": get("context"),
        "is_disputed": attempt(_bool, get("disputed"), "disputed", line),
        "disputed_note": get("disputed_note"),
        "destination": get("destination") or None,
        "destination_title": get("destination_title"),
        "successor": get("successor") or None,
        "status": attempt(
            _choice, get("status"), Departure.Status, "status", line, "reported"
        ),
        "reversed_on": attempt(full_date, "reversed_on"),
        "reversal_note": get("reversal_note"),
        "tags": [t.strip() for t in get("tags").split(";") if t.strip()],
        "published": attempt(_optional_bool, get("published"), "published", line),
    }

    numbers = sorted(
        {int(m.group(1)) for key in row if key and (m := _SOURCE_COLUMN.match(key))}
    )
    sources = []
    for n in numbers:
        prefix = f"source{n}_"
        if not get(f"{prefix}url"):
            if any(get(f"{prefix}{name}") for name in SOURCE_COLUMNS):
                errors.append(RowError(line, f"{prefix}url", "A source needs its URL."))
            continue
        sources.append(
            SourceInput(
                url=get(f"{prefix}url"),
                title=get(f"{prefix}title"),
                publisher=get(f"{prefix}publisher"),
                published=attempt(partial, f"{prefix}published"),
                kind=attempt(
                    _choice,
                    get(f"{prefix}kind"),
                    Source.Kind,
                    f"{prefix}kind",
                    line,
                    "press",
                ),
                quote=get(f"{prefix}quote"),
                archived_url=get(f"{prefix}archived_url"),
            )
        )
    kwargs["sources"] = sources
    if errors:
        raise RowInvalid(errors)
    return kwargs


def _read(text: str) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    unknown = [
        c
        for c in reader.fieldnames or []
        if c and c not in COLUMNS and not _SOURCE_COLUMN.match(c)
    ]
    if not reader.fieldnames:
        raise RowInvalid([RowError(1, "", "The file is empty.")])
    if unknown:
        raise RowInvalid(
            [RowError(1, c, "Unknown column; see the column list.") for c in unknown]
        )
    start = reader.line_num + 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


class _Rollback(Exception):
    pass


def import_departures(
    text: str,
    *,
    dry_run: bool = False,
    actor=None,
    published: bool | None = None,
    can_publish: bool = True,
) -> ImportReport:
    """Import CSV `text`: all rows or, on any error, none.

    `published` overrides the file's published column when given. Without
    `can_publish` the column is ignored (with a warning): new departures are
    drafts and recorded ones keep their publication.
    """
    report = ImportReport(dry_run=dry_run)
    before = {
        model._meta.verbose_name_plural: model.objects.count() for model in COUNTED
    }
    try:
        with transaction.atomic():
            for line, row in _read(text):
                report.rows += 1
                try:
                    kwargs = parse_row(row, line)
                except RowInvalid as invalid:
                    report.errors.extend(invalid.errors)
                    continue
                if published is not None:
                    kwargs["published"] = published
                if not can_publish and kwargs["published"] is not None:
                    report.warnings.append(
                        RowError(
                            line,
                            "published",
                            "Ignored: publishing and unpublishing need the "
                            "publish permission.",
                        )
                    )
                    kwargs["published"] = None
                marks = _history_marks()
                try:
                    with transaction.atomic():
                        departure = departure_record(**kwargs, actor=actor)
                except ValidationError as error:
                    report.errors.extend(_validation_errors(error, line))
                    continue
                report.outcomes.append(
                    _row_outcome(line, departure, kwargs["sources"], marks)
                )
            report.created = {
                name: model.objects.count() - before[name]
                for name, model in zip(before, COUNTED, strict=True)
            }
            if report.errors or dry_run:
                raise _Rollback
    except RowInvalid as invalid:
        report.errors.extend(invalid.errors)
    except _Rollback:
        pass
    return report


def _history_marks() -> dict[type, int]:
    """The newest history id of every imported model, before a row runs."""
    return {
        model: model.history.aggregate(newest=Max("history_id"))["newest"] or 0
        for model in COUNTED
    }


def _row_outcome(
    line: int, departure: Departure, sources: list[SourceInput], marks: dict
) -> RowOutcome:
    """Tell, from the history the row wrote, what it created, changed or reused."""
    touched: dict[tuple[type, int], set[str]] = {}
    for model, mark in marks.items():
        for pk, kind in model.history.filter(history_id__gt=mark).values_list(
            "id", "history_type"
        ):
            touched.setdefault((model, pk), set()).add(kind)

    def action(obj, unchanged: str = "reused") -> str:
        kinds = touched.get((type(obj), obj.pk), set())
        return "created" if "+" in kinds else "changed" if "~" in kinds else unchanged

    role = departure.role
    records = [
        ("person", role.person),
        ("organization", role.organization),
        ("role", role),
        ("destination", departure.destination),
        ("successor", departure.successor),
    ]
    urls = [normalize_url(source.url) for source in sources]
    records += [("source", source) for source in Source.objects.filter(url__in=urls)]
    records += [("tag", tag) for tag in departure.tags.all()]
    outcomes = [Outcome(action(obj), kind, str(obj)) for kind, obj in records if obj]
    outcomes.insert(0, Outcome(action(departure, "unchanged"), "departure", role.title))
    return RowOutcome(line=line, departure=str(departure), outcomes=outcomes)


# Model fields named in validation errors, as the CSV column that feeds them.
_FIELD_COLUMNS = {
    "announced_on": "announced",
    "announced_precision": "announced",
    "effective_on": "effective",
    "effective_precision": "effective",
    "start_on": "role_start",
    "end_on": "role_end",
    "title": "role_title",
    "is_disputed": "disputed",
    "__all__": "",
}


def _validation_errors(error: ValidationError, line: int) -> list[RowError]:
    if hasattr(error, "error_dict"):
        return [
            RowError(line, _FIELD_COLUMNS.get(column, column), message)
            for column, messages in error.message_dict.items()
            for message in messages
        ]
    return [RowError(line, "", message) for message in error.messages]
