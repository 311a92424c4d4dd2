"""Writes of people, organizations and roles: find one by name or create it.

Departures call these; nothing here knows about departures. Each
get-or-create takes an optional `cache`, a dict one import shares across its
rows so that a name looked up once is not looked up again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Lower
from django.utils.text import slugify

from people.dates import PartialDate
from people.models import Organization, Person, Role
from people.querysets import squash

SLUG_ATTEMPTS = 5


@dataclass
class Change:
    """What a write did to one record: created, changed or reused it.

    `kind` names the part it plays (person, destination, role, source, …);
    `fields` maps each changed model field to its (old, new) value."""

    action: str
    kind: str
    obj: models.Model
    fields: dict = field(default_factory=dict)


def note_change(changes, kind, obj, *, created=False, fields=None, action="") -> None:
    """Add to `changes` what a write did to `obj`; `action` names anything else
    than created, changed or reused (e.g. "proposed" for a pending revision)."""
    if changes is not None:
        action = action or ("created" if created else "changed" if fields else "reused")
        changes.append(Change(action, kind, obj, fields or {}))


def unique_slug(model: type[models.Model], text: str, *, max_length: int = 80) -> str:
    """Return a slug for `text` that no row of `model` uses yet."""
    base = slugify(text)[:max_length].strip("-") or "item"
    slug, n = base, 2
    while _slug_taken(model, slug):
        suffix = f"-{n}"
        slug = f"{base[: max_length - len(suffix)]}{suffix}"
        n += 1
    return slug


def _slug_taken(model: type[models.Model], slug: str) -> bool:
    if model._default_manager.filter(slug=slug).exists():
        return True
    # A merged-away slug still redirects to its survivor; never hand it out again.
    redirects = getattr(model, "redirects", None)
    return redirects is not None and (
        redirects.rel.related_model.objects.filter(old_slug=slug).exists()
    )


def record_save(
    obj: models.Model,
    *,
    actor: AbstractBaseUser | None = None,
    looked_up: bool = False,
) -> None:
    """Validate and save `obj`, recording `actor` as the author in its history.

    `looked_up`: the caller has just looked up the row by the fields of each of
    its unique constraints (the get-or-create helpers below, `departure_record`),
    so the constraints are not validated again, query by query: the unique ones
    were settled by that lookup, every CheckConstraint is mirrored in the
    model's `clean()` with the same message, and the database enforces them all
    anyway (a race ends in IntegrityError, which the helpers catch). This
    halves the queries of an import row. Likewise a foreign key holding a
    related object (from that lookup, in this transaction) is not read back
    to check that it exists."""
    exclude = None
    if looked_up:
        exclude = [
            f.name
            for f in obj._meta.concrete_fields
            if f.is_relation
            and f.is_cached(obj)
            and getattr(obj, f.name) is not None
            and getattr(obj, f.name).pk is not None
        ]
    obj.full_clean(exclude=exclude, validate_constraints=not looked_up)
    if actor is not None:
        obj._history_user = actor  # read by django-simple-history
    obj.save()


def record_update(
    obj: models.Model,
    values: dict,
    *,
    actor: AbstractBaseUser | None = None,
    looked_up: bool = False,
) -> dict:
    """Set `values` on `obj` and save it only if something changed.

    Returns the changed fields, each as (old, new)."""
    changed = {
        k: (getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v
    }
    if changed:
        for key, (_old, new) in changed.items():
            setattr(obj, key, new)
        record_save(obj, actor=actor, looked_up=looked_up)
    return changed


def named_get_or_create(
    model: type[models.Model],
    *,
    name: str,
    actor: AbstractBaseUser | None = None,
    cache: dict | None = None,
    changes: list[Change] | None = None,
    kind: str = "",
):
    """The row of `model` named `name` (regardless of case and spacing), or a new one.

    Two requests creating the same new name at once both get one row: the
    second waits for the first (`_wait_for_others_creating`) and reads its
    row; an insert that still fails on a constraint, inside a savepoint, reads
    the winner back (or, for a slug taken by another name, tries the next)."""
    name = squash(name)
    key = (model, name.casefold())
    if cache is not None and cache.get(key) is not None:
        note_change(changes, kind, cache[key])
        return cache[key]
    # None in the cache: preloaded and known not to exist (see `names_preload`).
    if cache is not None and key in cache:
        found = None
    else:
        found = model.objects.named(name).order_by("id").first()
    if found is None:
        with transaction.atomic():
            if _wait_for_others_creating(model, name):
                # Another transaction may have created it while we waited.
                found = model.objects.named(name).order_by("id").first()
            return _create_named(model, name, found, actor, cache, changes, kind)
    return _create_named(model, name, found, actor, cache, changes, kind)


def _wait_for_others_creating(model: type[models.Model], name: str) -> bool:
    """Queue behind any other transaction creating this name, so that the
    second of two requests logging one new person reads the first's row
    instead of creating a namesake (names, unlike slugs, are not unique).
    Returns whether it may have waited.

    PostgreSQL: a transaction-level advisory lock on the name. SQLite needs
    none: its IMMEDIATE transactions already let one writer in at a time."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"{model._meta.label_lower}:{name.casefold()}"],
        )
    return True


def _create_named(model, name, found, actor, cache, changes, kind):
    """`found`, or a new row of `model` named `name`, noted and cached."""
    key = (model, name.casefold())
    created = found is None
    attempt = 0
    while found is None:
        obj = model(name=name, slug=unique_slug(model, name))
        try:
            with transaction.atomic():
                record_save(obj, actor=actor, looked_up=True)
        except (IntegrityError, ValidationError) as error:
            # Someone else created it (or took the slug) since we looked.
            attempt += 1
            found = model.objects.named(name).order_by("id").first()
            only_slug = isinstance(error, IntegrityError) or set(
                getattr(error, "error_dict", {"": None})
            ) <= {"slug", "__all__"}
            if found is None and (attempt >= SLUG_ATTEMPTS or not only_slug):
                raise
            created = found is None
            continue
        found = obj
        if cache is not None and model is Person:
            cache[(Role, found.pk)] = True  # a new person holds no roles yet
    if cache is not None:
        cache[key] = found
    note_change(changes, kind, found, created=created)
    return found


def organization_get_or_create(
    *,
    name: str,
    actor: AbstractBaseUser | None = None,
    cache: dict | None = None,
    changes: list[Change] | None = None,
    kind: str = "organization",
) -> Organization:
    return named_get_or_create(
        Organization, name=name, actor=actor, cache=cache, changes=changes, kind=kind
    )


def person_get_or_create(
    *,
    name: str,
    actor: AbstractBaseUser | None = None,
    cache: dict | None = None,
    changes: list[Change] | None = None,
    kind: str = "person",
) -> Person:
    return named_get_or_create(
        Person, name=name, actor=actor, cache=cache, changes=changes, kind=kind
    )


def role_get_or_create(
    *,
    person: Person,
    organization: Organization,
    title: str,
    values: dict | None = None,
    update_public: bool = True,
    actor: AbstractBaseUser | None = None,
    cache: dict | None = None,
    changes: list[Change] | None = None,
) -> Role:
    """Reuse the person's role with this title at this organization, or create it.

    `values` (seniority, function, is_founder, start_on, start_precision, …)
    are set on a new role and update an existing one; fields left out keep
    their stored value, or the model's default on a new role. With
    `update_public` False, a role that readers see (`Role.objects.public()`)
    is reused as stored."""
    title = squash(title)
    values = values or {}
    key = (Role, person.pk, organization.pk, title.casefold())
    role = cache.get(key) if cache is not None else None
    # (Role, person pk) in the cache: every role of the person is there too.
    # (ASCII titles only: see `names_preload`.)
    complete = cache is not None and (Role, person.pk) in cache and title.isascii()
    if role is None and not complete:
        role = (
            Role.objects.filter(person=person, organization=organization)
            .titled(title)
            .order_by("id")
            .first()
        )
    if role is None:
        role = Role(person=person, organization=organization, title=title, **values)
        record_save(role, actor=actor, looked_up=True)
        note_change(changes, "role", role, created=True)
    elif not update_public and Role.objects.public().filter(pk=role.pk).exists():
        note_change(changes, "role", role)
    else:
        changed = record_update(role, values, actor=actor, looked_up=True)
        note_change(changes, "role", role, fields=changed)
    if cache is not None:
        cache[key] = role
    return role


def partial_date_values(prefix: str, value: PartialDate | None) -> dict:
    """`value` as the two columns `<prefix>_on` and `<prefix>_precision`."""
    return {
        f"{prefix}_on": value.start if value else None,
        f"{prefix}_precision": value.precision if value else "",
    }


def _ascii(name: str) -> bool:
    return name.isascii()


def names_preload(cache: dict, model: type[models.Model], names) -> list:
    """Put in `cache` the rows of `model` named by `names`, in a few queries, and
    None for each name known not to exist, so that `named_get_or_create` and
    `role_get_or_create` (for people: all their roles) need no query of their own.

    Only ASCII names are preloaded: SQLite folds the case of ASCII letters only,
    PostgreSQL of all, so anything else is still matched by the database one
    name at a time, as `named()` always did. Returns the rows found."""
    wanted = {squash(n).casefold() for n in names if n and _ascii(squash(n))}
    wanted.discard("")
    found = {}
    listed = sorted(wanted)
    for start in range(0, len(listed), 500):
        rows = (
            model.objects.annotate(_folded=Lower("name"))
            .filter(_folded__in=listed[start : start + 500])
            .order_by("id")
        )
        for row in rows:
            if _ascii(row.name):
                found.setdefault(row.name.casefold(), row)
    for name in wanted:
        cache[(model, name)] = found.get(name)
    if model is Person and found:
        people = {p.pk: p for p in found.values()}
        for pk in people:
            cache[(Role, pk)] = True
        roles = (
            Role.objects.filter(person__in=people)
            .select_related("organization")
            .order_by("-id")  # the first role of a title wins, as in the lookup
        )
        for role in roles:
            if role.title.isascii():
                role.person = people[role.person_id]
                title = role.title.casefold()
                cache[(Role, role.person_id, role.organization_id, title)] = role
    return list(found.values())
