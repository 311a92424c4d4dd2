"""CSV import: one row per departure, with numbered source columns.

Each row is bound to the log form's `DepartureInputForm` (sources to a
`SourceForm` prefixed `sourceN`) and recorded through `departure_record`, all
inside one transaction; every error of every row is reported by line and
column, and any error aborts the whole file.

What the rows refer to is read once per file (`_preload`), and the records
they create wait in a batch (`people.bulk`) that is written in bulk, with
their history rows, before anything touches a stored record and at the end:
a row of new records costs no query of its own.

A cell left empty, or a column left out, changes nothing on a record already
stored; `-` alone in a cell clears the stored value on purpose.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import functools
import gc
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from departures.database import stored_copies
from departures.inputs import (
    FALSE,
    INPUT_NAMES,
    REQUIRED,
    TRUE,
    DepartureInputForm,
    SourceForm,
)
from departures.models import Citation, Departure, Source, Tag
from departures.services import (
    Change,
    departure_record,
    recorded_preload,
    sources_preload,
)
from people.bulk import ImportCache, WriteBatch
from people.models import Organization, Person, Role
from people.services import names_preload

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
class FieldChange:
    label: str
    old: str
    new: str

    def __str__(self):
        return f"{self.label}: {self.old} → {self.new}"


@dataclass
class Outcome:
    """What a row did to one record: created, changed or reused it."""

    action: str
    kind: str
    label: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class RowOutcome:
    line: int
    departure: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def action(self) -> str:
        """The departure's own fate: created, changed, proposed (a revision
        awaiting a publisher) or unchanged."""
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
            outcome.action in {"created", "changed", "proposed"}
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
            for action in ("created", "changed", "proposed", "unchanged")
        }
        departures = ", ".join(f"{n} {action}" for action, n in fates.items() if n)
        return (
            f"{self.rows} row(s) read; {verb} {made or 'nothing new'}; "
            f"departures: {departures or 'none'}."
        )


class RowInvalid(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors


# A cell holding only this clears the stored value; an empty cell keeps it.
CLEAR = "-"
# Columns named otherwise than the input they feed.
COLUMN_INPUTS = {
    "founder": "is_founder",
    "involuntary": "is_involuntary",
    "disputed": "is_disputed",
}
INPUT_COLUMNS = {field: column for column, field in COLUMN_INPUTS.items()}


def column_of(name: str | None) -> str:
    """The CSV column of an input or model field named in an error."""
    name = INPUT_NAMES.get(name, name)
    return INPUT_COLUMNS.get(name, name) if name else ""


class _SharedFields(dict):
    """Form fields that the rows of a file share instead of each copying them
    (a deep copy per form is most of the time a row takes to validate): the
    import's forms never change their fields once built."""

    def __init__(self, fields: dict, empty=None):
        super().__init__(fields)
        self.empty = _EmptyCells(self) if empty is None else empty

    def __deepcopy__(self, memo):
        return _SharedFields(self, self.empty)


@functools.lru_cache(maxsize=256)
def _row_fields(form_class: type[forms.Form], omitted: frozenset) -> _SharedFields:
    fields = copy.deepcopy(form_class.base_fields)
    for name, input_field in fields.items():
        # The cell as written, not a checkbox's idea of it.
        input_field.widget = forms.TextInput()
        if name in omitted:
            input_field.required = False
    return _SharedFields(fields)


class _CellCleaning:
    """Clean each field as Django's forms do, without building the bound
    fields a page renders: a row is never rendered, and building them is a
    third of the time a row takes to validate. Inputs left out are not
    cleaned at all; an optional input left empty is cleaned once per file
    (`_EmptyCells`), its `clean_<name>` still once per row."""

    omitted: frozenset = frozenset()

    def _clean_fields(self):
        empty = self.fields.empty
        for name, input_field in self.fields.items():
            if name in self.omitted:
                continue  # a column left out (or empty): never in cleaned_data
            value = self.data.get(self.add_prefix(name))  # a TextInput's value
            hook = getattr(self, f"clean_{name}", None)
            try:
                if not value and (name, value) in empty:
                    self.cleaned_data[name] = empty[(name, value)]
                else:
                    self.cleaned_data[name] = input_field.clean(value)
                if hook is not None:
                    self.cleaned_data[name] = hook()
            except ValidationError as error:
                self.add_error(name, error)


class _EmptyCells(dict):
    """What each optional field of a form cleans an empty cell ("" or None)
    to: the same every time (Django's fields clean an empty value without
    looking at anything else), so worked out once, by the field itself."""

    def __init__(self, fields: dict[str, forms.Field]):
        super().__init__()
        for name, input_field in fields.items():
            if input_field.required:
                continue  # an empty cell is the row's error
            for value in ("", None):
                try:
                    cleaned = input_field.clean(value)
                except ValidationError:
                    continue  # cleaned, and refused, row by row
                if cleaned is None or isinstance(cleaned, str | bool):
                    self[(name, value)] = cleaned  # immutable: safe to share


class ImportRowForm(_CellCleaning, DepartureInputForm):
    """One CSV row. Empty cells are left out (UNSET); `-` clears."""

    published = forms.NullBooleanField(required=False)

    def __init__(self, row: dict[str, str], *, cache: dict | None = None):
        self.cache = cache
        data, omitted = {}, set()
        for name in type(self).base_fields:
            raw = (row.get(INPUT_COLUMNS.get(name, name)) or "").strip()
            if raw == CLEAR:
                data[name] = ""
            elif raw or name in REQUIRED:
                data[name] = raw
            else:
                omitted.add(name)
        self.omitted = frozenset(omitted)
        self.base_fields = _row_fields(type(self), self.omitted)
        # Never rendered: no label suffix (which Django translates per form).
        super().__init__(data, label_suffix="")

    def clean_published(self):
        value = (self.data.get("published") or "").strip().lower()
        if value and value not in TRUE | FALSE:
            raise ValidationError(f"“{value[:50]}” is not true or false.")
        return (value in TRUE) if value else None

    def clean(self):
        cleaned = super().clean()
        for name in self.omitted:
            cleaned.pop(name, None)
        return cleaned


class ImportSourceForm(_CellCleaning, SourceForm):
    prefix_separator = "_"

    def __init__(self, *args, **kwargs):
        self.base_fields = _source_fields()
        super().__init__(*args, label_suffix="", **kwargs)


@functools.cache
def _source_fields() -> _SharedFields:
    fields = copy.deepcopy(SourceForm.base_fields)
    for input_field in fields.values():
        input_field.widget = forms.TextInput()  # the cell as written
    return _SharedFields(fields)


def _source_forms(row: dict[str, str]) -> list[ImportSourceForm]:
    numbers = sorted(
        {int(m.group(1)) for key in row if key and (m := _SOURCE_COLUMN.match(key))}
    )
    forms_ = []
    cells = {k: (v or "").strip() for k, v in row.items() if k} if numbers else {}
    for n in numbers:
        form = ImportSourceForm(cells, prefix=f"source{n}")
        if any(form.data.get(form.add_prefix(name)) for name in SOURCE_COLUMNS):
            forms_.append(form)
    return forms_


def parse_row(row: dict[str, str], line: int, *, cache: dict | None = None) -> dict:
    """Turn one CSV row into keyword arguments for `departure_record`.

    Raises RowInvalid with every error of the row."""
    errors = []
    if row.get(None):
        errors.append(RowError(line, "", "This line has more cells than the header."))
    form = ImportRowForm(row, cache=cache)
    sources = _source_forms(row)
    for bound in (form, *sources):
        if not bound.is_valid():
            for name, messages in bound.errors.items():
                column = bound.add_prefix(name) if name != "__all__" else ""
                if bound is form:
                    column = column_of(name) if name != "__all__" else ""
                errors += [RowError(line, column, m) for m in messages]
    if errors:
        raise RowInvalid(errors)
    kwargs = dict(form.cleaned_data)
    kwargs["sources"] = [s for f in sources if (s := f.source_input())]
    kwargs["_duplicates"] = [d for d in form.duplicates if d != form.recorded]
    return kwargs


DEMO_CSV = Path(__file__).resolve().parent / "demo" / "departures.csv"


def template_csv() -> str:
    """A CSV with every column (one source) and the first demo row as example."""
    columns = list(COLUMNS) + [f"source1_{name}" for name in SOURCE_COLUMNS]
    with DEMO_CSV.open(encoding="utf-8") as demo:
        example = next(csv.DictReader(demo))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerow(example)
    return out.getvalue()


def decode(data: bytes) -> tuple[str, list[RowError]]:
    """`data` as text; each line that is not UTF-8 is an error, never a crash."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    lines, errors = [], []
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            lines.append(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            errors.append(RowError(number, "", "This line is not UTF-8 text."))
            lines.append(raw.decode("utf-8", errors="replace"))
    return "".join(lines), errors


def _read(text: str, report: ImportReport) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as error:
        raise RowInvalid([RowError(1, "", f"Unreadable header: {error}.")]) from None
    if not fieldnames:
        raise RowInvalid([RowError(1, "", "The file is empty.")])
    unknown = [
        c for c in fieldnames if c and c not in COLUMNS and not _SOURCE_COLUMN.match(c)
    ]
    if unknown:
        raise RowInvalid(
            [
                RowError(1, c[:60], "Unknown column; see the column list.")
                for c in unknown
            ]
        )
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            report.rows += 1
            report.errors.append(RowError(start, "", f"Unreadable line: {error}."))
        else:
            yield start, row
        start = reader.line_num + 1


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector paused while a file is imported: each of its
    full passes walks every object alive, and an import keeps tens of
    thousands alive (its cache, its batch), so that a file at the upload cap
    spent a tenth to a fifth of its time in them. What cycles the import
    leaves are collected at the next pass after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def import_departures(
    text: str | bytes,
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
    if isinstance(text, bytes):
        text, report.errors = decode(text)
    before = {
        model._meta.verbose_name_plural: model.objects.count() for model in COUNTED
    }
    cache = ImportCache()
    try:
        with _collector_paused(), transaction.atomic():
            rows = list(_read(text, report))
            if WriteBatch.supported():
                # Its departures written with the copies the triggers keep.
                prepare = {Departure: stored_copies}
                cache.batch = WriteBatch(rows=len(rows), prepare=prepare)
            _preload(cache, [row for _line, row in rows])
            for line, row in rows:
                report.rows += 1
                try:
                    kwargs = parse_row(row, line, cache=cache)
                except RowInvalid as invalid:
                    report.errors.extend(invalid.errors)
                    continue
                duplicates = kwargs.pop("_duplicates")
                if duplicates:
                    report.warnings.append(
                        RowError(
                            line,
                            "",
                            "Likely duplicate of "
                            + "; ".join(str(d) for d in duplicates)
                            + " (same person and organization within 90 days). "
                            "Check it is a different departure.",
                        )
                    )
                if published is not None:
                    kwargs["published"] = published
                if not can_publish and kwargs.get("published") is not None:
                    report.warnings.append(
                        RowError(
                            line,
                            "published",
                            "Ignored: publishing and unpublishing need the "
                            "publish permission.",
                        )
                    )
                    kwargs["published"] = None
                changes: list[Change] = []
                cache.mark()  # a row that fails is undone alone
                try:
                    departure = departure_record(
                        **kwargs,
                        actor=actor,
                        cache=cache,
                        changes=changes,
                        checked=True,
                    )
                except ValidationError as error:
                    cache.rollback()
                    report.errors.extend(_validation_errors(error, line))
                    continue
                cache.commit()
                report.outcomes.append(_row_outcome(line, departure, changes))
            if report.errors:
                raise _Rollback
            # A dry run leaves the last records unwritten: every check was
            # made as they were planned, and all would be rolled back.
            pending = {}
            if cache.batch is not None and dry_run:
                pending = cache.batch.counts()
            elif cache.batch is not None:
                cache.batch.flush()
            report.created = {
                name: model.objects.count() + pending.get(model, 0) - before[name]
                for name, model in zip(before, COUNTED, strict=True)
            }
            if report.errors or dry_run:
                raise _Rollback
    except RowInvalid as invalid:
        report.errors.extend(invalid.errors)
    except IntegrityError as error:
        # Another write got in first (a slug, a name): nothing was imported.
        report.errors.append(
            RowError(0, "", f"The database refused the import ({error}); try again.")
        )
    except _Rollback:
        pass
    report.errors.sort(key=lambda error: error.line)
    return report


def _cells(rows: list[dict], *columns: str) -> set[str]:
    """The cells of `columns`, but those no query may carry: a NUL byte (which
    PostgreSQL refuses) or over-long text are the row's error, found later."""
    return {
        cell.strip()
        for row in rows
        for c in columns
        if (cell := row.get(c) or "") and "\x00" not in cell and len(cell) <= 600
    }


def _preload(cache: dict, rows: list[dict]) -> None:
    """Read what the rows refer to in a few queries per file, not per row: the
    people and organizations they name (with the people's roles and those
    roles' departures), their tags and their sources. What is not found is
    cached as None, known not to exist, so a new row costs its writes only."""
    if not rows:
        return
    names_preload(cache, Person, _cells(rows, "person", "successor"))
    names_preload(cache, Organization, _cells(rows, "organization", "destination"))
    tags = {n for cell in _cells(rows, "tags") for n in cell.split(";") if n.strip()}
    names_preload(cache, Tag, tags)
    # Every role of the people found, whatever its title (`roles_at`).
    roles = [
        role
        for key, listed in cache.items()
        if key[0] is Role and len(key) == 3 and isinstance(listed, list)
        for role in listed
    ]
    recorded_preload(cache, roles)
    url_columns = {c for c in rows[0] if c and re.match(r"^source\d+_url$", c)}
    urls = set()
    for cell in _cells(rows, *url_columns):
        try:
            # As the form will read it (a scheme assumed), unvalidated: an
            # invalid URL is only a key that finds nothing.
            urls.add(_URL.to_python(cell))
        except ValidationError:
            continue  # the row's error, reported when the row is read
    sources_preload(cache, urls)


_URL = forms.URLField(assume_scheme="https", required=False)


def _value(obj, name: str, value) -> str:
    """A stored value as an editor reads it: choice labels, not codes."""
    if value in (None, ""):
        return "(empty)"
    field = obj._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _row_outcome(line: int, departure: Departure, changes: list[Change]) -> RowOutcome:
    """What the row created, changed (field by field, old → new) or reused."""
    outcomes = []
    for change in changes:
        fields = [
            FieldChange(
                str(change.obj._meta.get_field(name).verbose_name),
                _value(change.obj, name, old),
                _value(change.obj, name, new),
            )
            for name, (old, new) in change.fields.items()
            if not name.endswith("_precision")
        ]
        action = change.action
        if change.kind == "departure" and action == "reused":
            action = "unchanged"
        outcomes.append(Outcome(action, change.kind, str(change.obj), fields))
    departure_first = sorted(outcomes, key=lambda o: o.kind != "departure")
    return RowOutcome(line=line, departure=str(departure), outcomes=departure_first)


def _validation_errors(error: ValidationError, line: int) -> list[RowError]:
    if hasattr(error, "error_dict"):
        return [
            RowError(line, column_of(name), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [RowError(line, "", message) for message in error.messages]
