"""Writes that span models. Everything that records departures comes here.

`departure_record` writes one departure; an import calls it once per row with
its `cache` (`people.bulk.ImportCache`), in which the rows' new records wait
to be written in bulk, with their history, when the batch is flushed.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from departures.models import Citation, Departure, DepartureRedirect, Source, Tag
from departures.normalization import normalize_url
from departures.permissions import can_publish
from departures.revisions import (
    departure_assert_sourced,
    needs_review,
    revision_is_empty,
    revision_propose,
)
from people.bulk import batch_of
from people.dates import PartialDate
from people.models import Organization, Person, Role
from people.services import (
    Change,
    named_get_or_create,
    note_change,
    organization_get_or_create,
    partial_date_values,
    person_get_or_create,
    record_save,
    record_update,
    role_get_or_create,
)


class _Unset:
    def __repr__(self):
        return "UNSET"

    def __bool__(self):
        return False


# "Not given": an existing record keeps its value, a new one takes the model's
# default. The model fields' defaults are the only defaults of the write path.
UNSET = _Unset()


@dataclass(frozen=True)
class SourceInput:
    url: str
    title: str = ""
    publisher: str = ""
    published: PartialDate | None = None
    kind: str = ""
    quote: str = ""
    archived_url: str = ""
    accessed_on: datetime.date | None = None


def _save(
    obj: models.Model,
    actor: AbstractBaseUser | None,
    *,
    looked_up: bool = False,
    cache: dict | None = None,
) -> None:
    record_save(obj, actor=actor, looked_up=looked_up, cache=cache)


def _update(
    obj: models.Model,
    values: dict,
    actor: AbstractBaseUser | None,
    cache: dict | None = None,
) -> dict:
    """Set `values` on `obj` (found by a lookup) and save it if something changed."""
    return record_update(obj, values, actor=actor, looked_up=True, cache=cache)


def _keyed(name: str, error: ValidationError) -> ValidationError:
    """`error`, named by the argument `name` whose value caused it."""
    return ValidationError({name: error.messages})


def tag_get_or_create(
    *,
    name: str,
    actor: AbstractBaseUser | None = None,
    cache: dict | None = None,
    changes: list[Change] | None = None,
) -> Tag:
    return named_get_or_create(
        Tag, name=name, actor=actor, cache=cache, changes=changes, kind="tag"
    )


def _may_change_public(actor: AbstractBaseUser | None) -> bool:
    """Whether `actor` may change a record a published page shows: publishers,
    and the command line (no actor)."""
    return actor is None or can_publish(actor)


# The departure's own fields that DepartureInputForm takes from the model,
# each under its own name (departures/inputs.py): its facts but the two it
# takes as names, the destination and the successor.
DEPARTURE_INPUT_FIELDS = tuple(
    name for name in Departure.FACTS if name not in ("destination", "successor")
)

# The model fields whose values `departure_record(checked=True)` takes as the
# input forms accepted them, each with its input: a field of
# DepartureInputForm, or of SourceForm for a Source. Each of those form
# fields' rules includes the model field's own (same or stricter length, the
# same choices and validators, required where the model needs a value:
# tests/departures/test_input_parity.py), so the model does not check again
# a field that holds the very value the form accepted.
FORM_CHECKED = {
    Departure: {name: name for name in DEPARTURE_INPUT_FIELDS},
    Role: {
        "title": "role_title",
        "seniority": "seniority",
        "function": "function",
        "is_founder": "is_founder",
    },
    Source: {
        name: name for name in ("url", "title", "publisher", "kind", "archived_url")
    },
}


def _checked(model, inputs: dict) -> dict:
    """The values of `inputs` (by input name) that `model`'s fields take as
    the forms accepted them, by model field (`FORM_CHECKED`). Empty values
    are left out: whether a field may be empty the model says."""
    return {
        field: value
        for field, name in FORM_CHECKED[model].items()
        if (value := inputs.get(name, UNSET)) is not UNSET and value not in ("", None)
    }


def source_get_or_create(
    *,
    source: SourceInput,
    actor: AbstractBaseUser | None = None,
    live: bool | None = None,
    cache: dict | None = None,
    changes: list[Change] | None = None,
    checked: bool = False,
) -> Source:
    """Find the source by normalized URL, filling in what it lacks; or create it.

    A source a published departure cites is what readers see on that page, so
    it is updated only when `live` (the change goes on a published page at once,
    by someone who may publish; default: whether `actor` may publish). Otherwise
    it is reused as stored: a draft, or an editor's change awaiting review,
    never rewrites a published page. A publisher edits the source itself.

    `checked`: `source` is what a SourceForm accepted (`FORM_CHECKED`)."""
    if live is None:
        live = _may_change_public(actor)
    form_values = _checked(Source, vars(source)) if checked else None
    url = normalize_url(source.url)
    values = {
        "title": source.title,
        "publisher": source.publisher,
        **partial_date_values("published", source.published),
        "kind": source.kind,
        "archived_url": source.archived_url,
        "accessed_on": source.accessed_on,
    }
    # Given values win; blanks never erase what an editor already entered.
    values = {k: v for k, v in values.items() if v}
    key = (Source, url)
    existing = cache.get(key) if cache is not None else None
    # None in the cache: preloaded and known not to exist (`sources_preload`).
    if existing is None and not (cache is not None and key in cache):
        existing = Source.objects.filter(url=url).first()
    if existing is None:
        existing = Source(url=url, **values)
        record_save(
            existing, actor=actor, looked_up=True, cache=cache, checked=form_values
        )
        note_change(changes, "source", existing, created=True)
    elif not live and _is_public(existing, cache):
        note_change(changes, "source", existing)
    else:
        changed = record_update(
            existing,
            values,
            actor=actor,
            looked_up=True,
            cache=cache,
            checked=form_values,
        )
        note_change(changes, "source", existing, fields=changed)
    if cache is not None:
        cache[key] = existing
    return existing


def _is_public(source: Source, cache: dict | None) -> bool:
    """Whether a published page cites `source`, counting this import's rows:
    from the import's cache when it knows (`sources_preload`, and the
    departures the import published), else from the database."""
    batch = batch_of(cache)
    if batch is not None and batch.is_pending(source):
        return False  # only publishers publish, and they change it live
    if cache is not None and (known := cache.get((Source, "public", source.pk))):
        return known
    if cache is not None and (Source, "public", source.pk) in cache:
        if not cache.get((Source, "public", "stale")):
            return False
    if batch is not None:
        batch.flush()
    return Source.objects.public().filter(pk=source.pk).exists()


def _get_or_create(arg: str, value, getter, **kwargs):
    """A person or organization given by name or as itself, named `arg` in errors."""
    if value is UNSET or value is None or not isinstance(value, str):
        return value
    if not value.strip():
        return None
    try:
        return getter(name=value, kind=arg, **kwargs)
    except ValidationError as error:
        raise _keyed(arg, error) from None


def departure_record(
    *,
    person: Person | str,
    organization: Organization | str,
    role_title: str,
    announced: PartialDate,
    seniority: str = UNSET,
    function: str = UNSET,
    is_founder: bool = UNSET,
    role_start: PartialDate | None = UNSET,
    role_end: PartialDate | None = UNSET,
    effective: PartialDate | None = UNSET,
    reason: str = UNSET,
    is_involuntary: bool = UNSET,
    stated_reason: str = UNSET,
    context: str = UNSET,
    is_disputed: bool = UNSET,
    disputed_note: str = UNSET,
    destination: Organization | str | None = UNSET,
    destination_title: str = UNSET,
    successor: Person | str | None = UNSET,
    status: str = UNSET,
    reversed_on: datetime.date | None = UNSET,
    reversal_note: str = UNSET,
    tags: Sequence[str] = (),
    sources: Sequence[SourceInput] = (),
    published: bool | None = None,
    actor: AbstractBaseUser | None = None,
    cache: dict | None = None,
    changes: list[Change] | None = None,
    checked: bool = False,
) -> Departure:
    """Record a departure, creating or reusing everything it refers to.

    People, organizations, tags and sources are matched by name or normalized
    URL regardless of case; the departure itself by its role and announced date,
    so recording the same facts twice changes nothing. An argument left out
    (UNSET) keeps the stored value of an existing record and takes the model's
    default on a new one. `published` True publishes, False unpublishes, None
    leaves a recorded departure as it is (a new one starts as a draft).
    Everything happens in one transaction. Validation errors are named by the
    argument at fault (`person`, `source2_url`, or a model field).

    `cache` is shared by the rows of one import; `changes` collects what
    happened to each record, for the import's preview. With an import's
    cache (`people.bulk.ImportCache`) the import's own transaction and row
    savepoints (`ImportCache.mark`) apply instead of one of its own.

    `checked`: the arguments are what DepartureInputForm and SourceForms
    accepted (the import's rows); the model fields that take them as they
    are (`FORM_CHECKED`) are not checked a second time.
    """
    form_values = {}
    if checked:
        inputs = dict(locals())  # the arguments, before anything below
        form_values = {model: _checked(model, inputs) for model in (Departure, Role)}
    # An import's rows are undone one by one by its own savepoints.
    atomic = nullcontext() if batch_of(cache) is not None else transaction.atomic()
    with atomic:
        if changes is None:
            changes = []  # read below: was the role created just now?
        found = {
            arg: _get_or_create(
                arg, value, getter, actor=actor, cache=cache, changes=changes
            )
            for arg, value, getter in (
                ("person", person, person_get_or_create),
                ("organization", organization, organization_get_or_create),
                ("destination", destination, organization_get_or_create),
                ("successor", successor, person_get_or_create),
            )
        }
        person, organization = found["person"], found["organization"]

        role_values = {
            "seniority": seniority,
            "function": function,
            "is_founder": is_founder,
        }
        if role_start is not UNSET:
            role_values.update(partial_date_values("start", role_start))
        if role_end is not UNSET:
            role_values.update(partial_date_values("end", role_end))
        role_values = {k: v for k, v in role_values.items() if v is not UNSET}
        try:
            role = role_get_or_create(
                person=person,
                organization=organization,
                title=role_title,
                values=role_values,
                # A role a published departure shows is changed by publishers only
                # (README, "What is public"); others reuse it as stored.
                update_public=_may_change_public(actor),
                actor=actor,
                cache=cache,
                changes=changes,
                checked=form_values.get(Role),
            )
        except ValidationError as error:
            raise ValidationError(
                {ROLE_ARGS.get(k, k): v for k, v in _message_dict(error).items()}
            ) from None

        values = {
            "effective": effective,
            "reason": reason,
            "is_involuntary": is_involuntary,
            "stated_reason": stated_reason,
            "context": context,
            "is_disputed": is_disputed,
            "disputed_note": disputed_note,
            "destination": found["destination"],
            "destination_title": destination_title,
            "successor": found["successor"],
            "status": status,
            "reversed_on": reversed_on,
            "reversal_note": reversal_note,
        }
        values = {k: v for k, v in values.items() if v is not UNSET}
        if "effective" in values:
            values.update(partial_date_values("effective", values.pop("effective")))
        for name in ("stated_reason", "context", "disputed_note", "reversal_note"):
            if name in values:
                values[name] = values[name].strip()
        if "destination_title" in values:
            values["destination_title"] = values["destination_title"].strip()
        values["announced_precision"] = announced.precision

        role_created = any(
            change.kind == "role" and change.obj is role and change.action == "created"
            for change in changes
        )
        recorded = {} if role_created else _recorded(role, cache)
        if role_created and cache is not None:
            cache[(Departure, role.pk)] = recorded
        departure = recorded.get(announced.start)
        created = departure is None
        batch = batch_of(cache)
        if created:
            departure = Departure(
                role=role, announced_on=announced.start, created_by=actor, **values
            )
            if departure.reason in Departure.ALWAYS_INVOLUNTARY:
                departure.is_involuntary = True
            record_save(
                departure,
                actor=actor,
                looked_up=True,
                cache=cache,
                checked=form_values.get(Departure),
            )
            if hasattr(cache, "remember"):
                cache.remember(recorded, departure.announced_on, departure)
            else:
                recorded[departure.announced_on] = departure
            note_change(changes, "departure", departure, created=True)
        elif batch is not None and batch.is_pending(departure):
            # Created by an earlier row of this import: still only in memory.
            reason_now = values.get("reason", departure.reason)
            if reason_now in Departure.ALWAYS_INVOLUNTARY:
                values["is_involuntary"] = True
            changed = _update(departure, values, actor, cache)
            note_change(changes, "departure", departure, fields=changed)
        else:
            reason_now = values.get("reason", departure.reason)
            if reason_now in Departure.ALWAYS_INVOLUNTARY:
                values["is_involuntary"] = True
            # The one place the values of an existing departure are applied: at
            # once, or as a revision awaiting a publisher (docs: Review of changes).
            if needs_review(departure, actor):
                if batch is not None:
                    batch.flush()  # the revision refers to the rows' new records
                return _propose_recorded(
                    departure,
                    values,
                    tags,
                    sources,
                    actor,
                    cache=cache,
                    changes=changes,
                )
            changed = _update(departure, values, actor, cache)
            note_change(changes, "departure", departure, fields=changed)
        live = _may_change_public(actor) and (
            published is True or (published is None and departure.is_published)
        )

        tag_objects = [
            tag_get_or_create(name=name, actor=actor, cache=cache, changes=changes)
            for name in tags
            if name.strip()
        ]
        pending = batch is not None and batch.is_pending(departure)
        links = _links(departure, created=created, cache=cache)
        new_tags = {t.pk: t for t in tag_objects if t.pk not in links["tags"]}
        if new_tags and pending:
            batch.add_m2m(departure, "tags", new_tags.values())
        elif new_tags:
            if batch is not None:
                batch.flush()  # the tags may be new
            departure.tags.add(*new_tags.values())
        # (Not journaled: after a row fails, nothing of the file is written.)
        links["tags"] |= set(new_tags)

        for n, source_input in enumerate(sources, start=1):
            try:
                source = source_get_or_create(
                    source=source_input,
                    actor=actor,
                    live=live,
                    cache=cache,
                    changes=changes,
                    checked=checked,
                )
            except ValidationError as error:
                raise ValidationError(
                    {
                        f"source{n}_{SOURCE_ARGS.get(name, name)}": messages
                        for name, messages in _message_dict(error).items()
                    }
                ) from None
            citation = links["sources"].get(source.pk)
            if citation is None:
                citation = Citation(
                    departure=departure, source=source, quote=source_input.quote
                )
                _save(citation, actor, looked_up=True, cache=cache)
                links["sources"][source.pk] = citation
                if cache is not None and departure.is_published:
                    cache[(Source, "public", source.pk)] = True  # cited on a page
            elif source_input.quote:
                _update(citation, {"quote": source_input.quote}, actor, cache)

        if published is True:
            departure_publish(
                departure=departure,
                actor=actor,
                cache=cache,
                cited=bool(links["sources"]),
            )
            if cache is not None and pending:
                for pk in links["sources"]:
                    cache[(Source, "public", pk)] = True
            elif cache is not None:
                # Its citations of earlier imports are public now: ask the database.
                cache[(Source, "public", "stale")] = True
        elif published is False:
            departure_unpublish(departure=departure, actor=actor, cache=cache)
        return departure


def _links(departure: Departure, *, created: bool, cache: dict | None) -> dict:
    """The departure's tag pks ("tags") and citations by source pk ("sources"):
    none for one created just now; else from the import's cache (see
    `recorded_preload`, and kept up to date by the rows), or the database."""
    key = (Citation, departure.pk)
    if cache is not None and key in cache:
        return cache[key]
    links = {"tags": set(), "sources": {}}
    if not created:
        links["tags"] = set(departure.tags.values_list("pk", flat=True))
        for citation in Citation.objects.filter(departure=departure):
            links["sources"][citation.source_id] = citation
    if cache is not None:
        cache[key] = links
    return links


def _recorded(role, cache: dict | None) -> dict:
    """The departures of `role` by announced date: from the import's cache (see
    `recorded_preload`), else read in one query and, with a cache, kept."""
    key = (Departure, role.pk)
    if cache is not None and key in cache:
        return cache[key]
    recorded = {}
    for departure in Departure.objects.filter(role=role).order_by("-id"):
        departure.role = role
        recorded[departure.announced_on] = departure
    if cache is not None:
        cache[key] = recorded
    return recorded


def sources_preload(cache: dict, urls) -> None:
    """Put in `cache` the sources of `urls` (normalized), None for those not
    stored, and whether a published page cites each, in a few queries;
    `source_get_or_create` then needs none."""
    wanted = set()
    for url in urls:
        try:
            wanted.add(normalize_url(url))
        except ValueError:
            continue  # a malformed URL is the row's error, found later
    wanted.discard("")
    wanted = sorted(wanted)
    found = {}
    for start in range(0, len(wanted), 500):
        for source in Source.objects.filter(url__in=wanted[start : start + 500]):
            found[source.url] = source
    for url in wanted:
        cache[(Source, url)] = found.get(url)
    listed = sorted(source.pk for source in found.values())
    public = set()
    for start in range(0, len(listed), 500):
        public |= set(
            Source.objects.public()
            .filter(pk__in=listed[start : start + 500])
            .values_list("pk", flat=True)
        )
    for pk in listed:
        cache[(Source, "public", pk)] = pk in public


def recorded_preload(cache: dict, roles) -> None:
    """Put in `cache` the departures of `roles`, by role and date, in one query
    per 500 roles (for `departure_record` and the input form's duplicate check)."""
    roles = {role.pk: role for role in roles}
    for pk in roles:
        cache[(Departure, pk)] = {}
    listed = sorted(roles)
    found = []
    for start in range(0, len(listed), 500):
        departures = Departure.objects.filter(
            role__in=listed[start : start + 500]
        ).order_by("-id")
        for departure in departures:
            departure.role = roles[departure.role_id]
            cache[(Departure, departure.role_id)][departure.announced_on] = departure
            found.append(departure.pk)
    # Their tags and citations (`_links`).
    for pk in found:
        cache[(Citation, pk)] = {"tags": set(), "sources": {}}
    through = Departure.tags.through
    for start in range(0, len(found), 500):
        chunk = found[start : start + 500]
        pairs = through.objects.filter(departure__in=chunk).values_list(
            "departure_id", "tag_id"
        )
        for departure_pk, tag_pk in pairs:
            cache[(Citation, departure_pk)]["tags"].add(tag_pk)
        for citation in Citation.objects.filter(departure__in=chunk):
            cache[(Citation, citation.departure_id)]["sources"][citation.source_id] = (
                citation
            )


# Model fields named by validation errors, as the argument that feeds them.
SOURCE_ARGS = {"published_on": "published", "published_precision": "published"}
ROLE_ARGS = {
    "title": "role_title",
    "start_on": "role_start",
    "start_precision": "role_start",
    "end_on": "role_end",
    "end_precision": "role_end",
    "__all__": "role_end",
}


def _message_dict(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"url": error.messages}


def _propose_recorded(
    departure: Departure,
    values: dict,
    tags: Sequence[str],
    sources: Sequence[SourceInput],
    actor: AbstractBaseUser,
    *,
    cache: dict | None = None,
    changes: list[Change] | None = None,
) -> Departure:
    """The one point where recording over a published departure by someone who
    may not publish becomes a pending revision instead of a change: the
    departure, its tags and citations stay as published until approved."""
    proposed = Departure.objects.get(pk=departure.pk)
    for key, value in values.items():
        setattr(proposed, key, value)
    tag_ids = set(departure.tags.values_list("pk", flat=True))
    tag_ids |= {
        tag_get_or_create(name=n, actor=actor, cache=cache).pk
        for n in tags
        if n.strip()
    }
    citations = {c.source_id: c.quote for c in departure.citations.order_by("id")}
    for source_input in sources:
        source = source_get_or_create(
            source=source_input, actor=actor, live=False, cache=cache
        )
        if source_input.quote or source.pk not in citations:
            citations[source.pk] = source_input.quote or citations.get(source.pk, "")
    if batch_of(cache) is not None:
        batch_of(cache).flush()  # the revision names the new tags and sources
    revision = revision_propose(
        departure=departure,
        fields=proposed,
        tags=tag_ids,
        citations=citations.items(),
        actor=actor,
    )
    if revision_is_empty(revision):
        revision.delete()  # recording the same facts again proposes nothing
        note_change(changes, "departure", departure)
    else:
        note_change(changes, "departure", departure, action="proposed")
    return departure


def _check_may_publish(actor: AbstractBaseUser | None) -> None:
    if actor is not None and not can_publish(actor):
        raise PermissionDenied(
            "Publishing and unpublishing need the publish permission."
        )


def departure_publish(
    *,
    departure: Departure,
    actor: AbstractBaseUser | None = None,
    cache: dict | None = None,
    cited: bool | None = None,
) -> Departure:
    """Publish a departure; one without a source cannot be published.

    `cited`: whether it has a source, when the caller knows (a departure an
    import has not written yet)."""
    _check_may_publish(actor)
    if departure.is_published:
        return departure
    if cited is None:
        cited = departure.citations.exists()
    if not cited:
        raise ValidationError(
            "A departure needs at least one source before it can be published."
        )
    if hasattr(cache, "note_attrs"):
        cache.note_attrs(departure, {"published_at": None})
    departure.published_at = timezone.now()
    _save(departure, actor, cache=cache)
    return departure


def departure_unpublish(
    *,
    departure: Departure,
    actor: AbstractBaseUser | None = None,
    cache: dict | None = None,
) -> Departure:
    _check_may_publish(actor)
    if departure.is_published:
        if hasattr(cache, "note_attrs"):
            cache.note_attrs(departure, {"published_at": departure.published_at})
        departure.published_at = None
        _save(departure, actor, cache=cache)
    return departure


# Text and reference fields a merged-away departure may fill in on its survivor.
_MERGE_FILLS = [
    "effective_on",
    "effective_precision",
    "stated_reason",
    "context",
    "disputed_note",
    "destination",
    "destination_title",
    "successor",
    "reversed_on",
    "reversal_note",
]


@transaction.atomic
def departure_merge(
    *, survivor: Departure, merged: Departure, actor: AbstractBaseUser | None = None
) -> Departure:
    """Fold `merged` into `survivor`: its citations and tags move over, blanks are
    filled in, and `merged` is deleted. If either was published the survivor
    is: a merge must not take a sourced, public record off the site."""
    for citation in merged.citations.select_related("source"):
        twin = survivor.citations.filter(source=citation.source).first()
        if twin is None:
            citation.departure = survivor
            _save(citation, actor)
        elif citation.quote and not twin.quote:
            _update(twin, {"quote": citation.quote}, actor)
    new_tags = set(merged.tags.all()) - set(survivor.tags.all())
    if new_tags:
        survivor.tags.add(*new_tags)
    for name in _MERGE_FILLS:
        if not getattr(survivor, name) and getattr(merged, name):
            setattr(survivor, name, getattr(merged, name))
    survivor.is_disputed = survivor.is_disputed or merged.is_disputed
    if merged.is_published and not survivor.is_published:
        # Its citations came over with it, so the survivor is sourced.
        survivor.published_at = merged.published_at
    survivor._change_reason = f"Merged departure {merged.pk}"
    _save(survivor, actor)
    DepartureRedirect.objects.filter(departure=merged).update(departure=survivor)
    DepartureRedirect.objects.create(old_id=merged.pk, departure=survivor)
    merged._history_user = actor
    merged._change_reason = f"Merged into departure {survivor.pk}"
    merged.delete()
    departure_assert_sourced(survivor)
    return survivor
