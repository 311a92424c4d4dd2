"""Writes of people, organizations and roles: find one by name or create it.

Departures call these; nothing here knows about departures. Each
get-or-create takes an optional `cache`, a dict one import shares across its
rows so that a name looked up once is not looked up again; an import's cache
(`people.bulk.ImportCache`) also holds the batch its new records are written
in, in bulk, instead of one save each.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Lower
from django.utils.text import slugify

from people.bulk import batch_of
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


def _slug_base(text: str, max_length: int = 80) -> str:
    return slugify(text)[:max_length].strip("-") or "item"


def unique_slug(
    model: type[models.Model],
    text: str,
    *,
    max_length: int = 80,
    cache: dict | None = None,
) -> str:
    """Return a slug for `text` that no row of `model` uses yet.

    With an import's `cache`, slugs preloaded as free (`names_preload`) need
    no query, and slugs handed out to records not yet written count as taken."""
    base = _slug_base(text, max_length)
    free = cache.get((model, "free slugs"), set()) if cache is not None else set()
    taken = cache.get((model, "taken slugs"), set()) if cache is not None else set()
    slug, n = base, 2
    while slug in taken or (slug not in free and _slug_taken(model, slug)):
        suffix = f"-{n}"
        slug = f"{base[: max_length - len(suffix)]}{suffix}"
        n += 1
    if cache is not None:
        free.discard(slug)
        taken.add(slug)
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
    cache: dict | None = None,
    checked: dict | None = None,
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
    to check that it exists.

    `checked`: values an input form's field has already accepted, by model
    field, where that form field's rule includes the model field's own (see
    `departures.inputs.FORM_CHECKED`); a field that still holds that very
    value is not cleaned again.

    With an import's `cache`, a new record (or one still pending) goes to its
    batch, written at the next flush; a stored one is saved at once, after the
    batch is flushed, so that its history and its foreign keys see every
    record created before it."""
    batch = batch_of(cache)
    # A record still in the batch was looked up when it was created.
    looked_up = looked_up or (batch is not None and batch.is_pending(obj))
    exclude = None
    if looked_up:
        exclude = [
            f.name
            for f in _relations(type(obj))
            if f.is_cached(obj)
            and getattr(obj, f.name) is not None
            and getattr(obj, f.name).pk is not None
        ]
    if checked:
        exclude = exclude or []
        exclude += [
            name
            for name, value in checked.items()
            if type(current := getattr(obj, name)) is type(value) and current == value
        ]
    obj.full_clean(
        exclude=exclude,
        validate_unique=not looked_up,
        validate_constraints=not looked_up,
    )
    if batch is not None and (obj.pk is None or batch.is_pending(obj)):
        batch.add(obj, actor)
        return
    if batch is not None:
        batch.flush()
    if actor is not None:
        obj._history_user = actor  # read by django-simple-history
    obj.save()


@functools.cache
def _relations(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.is_relation]


def record_update(
    obj: models.Model,
    values: dict,
    *,
    actor: AbstractBaseUser | None = None,
    looked_up: bool = False,
    cache: dict | None = None,
    checked: dict | None = None,
) -> dict:
    """Set `values` on `obj` and save it only if something changed; an invalid
    change leaves `obj` as it was.

    Returns the changed fields, each as (old, new)."""
    changed = {
        k: (getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v
    }
    if changed:
        old = {key: before for key, (before, _new) in changed.items()}
        if hasattr(cache, "note_attrs"):
            cache.note_attrs(obj, old)
        for key, (_old, new) in changed.items():
            setattr(obj, key, new)
        try:
            record_save(
                obj, actor=actor, looked_up=looked_up, cache=cache, checked=checked
            )
        except ValidationError:
            for key, before in old.items():
                setattr(obj, key, before)
            raise
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
    if found is None and (
        name.casefold() in cache_locked(cache, model)
        or (batch_of(cache) is not None and connection.vendor != "postgresql")
    ):
        # Preloaded with the lock held (or SQLite, whose IMMEDIATE transaction
        # is the lock): nobody else can be creating it.
        return _create_named(model, name, None, actor, cache, changes, kind)
    if found is None:
        with transaction.atomic():
            if _wait_for_others_creating(model, name):
                # Another transaction may have created it while we waited.
                found = model.objects.named(name).order_by("id").first()
            return _create_named(model, name, found, actor, cache, changes, kind)
    return _create_named(model, name, found, actor, cache, changes, kind)


def cache_locked(cache, model: type[models.Model]) -> set:
    """Names of `model` the import has locked (PostgreSQL) and found missing."""
    return cache.get((model, "locked"), set()) if cache is not None else set()


# Creating a name takes a PostgreSQL advisory lock on one of NAME_LOCKS
# buckets of names, not one lock per name: a file of 12 000 new names would
# otherwise overflow the server's lock table (64 per connection by default).
# Two names in one bucket only queue behind each other.
# (The first key of these locks, 7241, is this module's alone.)
NAME_LOCKS = 512
_LOCK_NAME = "SELECT pg_advisory_xact_lock(7241, hashtext(%s) & 511)"
_LOCK_NAMES = (
    "SELECT pg_advisory_xact_lock(7241, bucket) FROM ("
    "SELECT DISTINCT hashtext(k) & 511 AS bucket "
    "FROM unnest(%s::text[]) AS k ORDER BY 1) AS buckets"
)


def _lock_names(model: type[models.Model], names) -> None:
    """`_wait_for_others_creating` for many names at once: their buckets, in
    ascending order (so that two imports locking some of the same buckets
    cannot deadlock), in one statement."""
    keys = [_name_key(model, name) for name in names]
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_NAMES, [keys])


def _name_key(model: type[models.Model], name: str) -> str:
    return f"{model._meta.label_lower}:{name.casefold()}"


def _wait_for_others_creating(model: type[models.Model], name: str) -> bool:
    """Queue behind any other transaction creating this name, so that the
    second of two requests logging one new person reads the first's row
    instead of creating a namesake (names, unlike slugs, are not unique).
    Returns whether it may have waited.

    PostgreSQL: a transaction-level advisory lock on the name's bucket
    (NAME_LOCKS). SQLite needs
    none: its IMMEDIATE transactions already let one writer in at a time."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_NAME, [_name_key(model, name)])
    return True


def _create_named(model, name, found, actor, cache, changes, kind):
    """`found`, or a new row of `model` named `name`, noted and cached."""
    key = (model, name.casefold())
    created = found is None
    if found is None and batch_of(cache) is not None:
        # Written with the batch; a slug taken meanwhile is retried then.
        found = model(name=name, slug=unique_slug(model, name, cache=cache))
        record_save(found, actor=actor, looked_up=True, cache=cache)
        if model is Person:
            cache[(Role, found.pk)] = True  # a new person holds no roles yet
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
    checked: dict | None = None,
) -> Role:
    """Reuse the person's role with this title at this organization, or create it.

    `values` (seniority, function, is_founder, start_on, start_precision, …)
    are set on a new role and update an existing one; fields left out keep
    their stored value, or the model's default on a new role. With
    `update_public` False, a role that readers see (`Role.objects.public()`)
    is reused as stored."""
    title = squash(title)
    values = values or {}
    role = role_find(person=person, organization=organization, title=title, cache=cache)
    batch = batch_of(cache)
    if role is None:
        role = Role(person=person, organization=organization, title=title, **values)
        record_save(role, actor=actor, looked_up=True, cache=cache, checked=checked)
        note_change(changes, "role", role, created=True)
        roles = roles_at(person=person, organization=organization, cache=cache)
        if roles is not None:
            cache[(Role, person.pk, organization.pk)] = [*roles, role]
    elif not update_public and not (batch and batch.is_pending(role)):
        if batch is not None:
            batch.flush()  # a departure of this file may have made it public
        if Role.objects.public().filter(pk=role.pk).exists():
            note_change(changes, "role", role)
        else:
            changed = record_update(
                role, values, actor=actor, looked_up=True, cache=cache, checked=checked
            )
            note_change(changes, "role", role, fields=changed)
    else:
        changed = record_update(
            role, values, actor=actor, looked_up=True, cache=cache, checked=checked
        )
        note_change(changes, "role", role, fields=changed)
    if cache is not None:
        cache[(Role, person.pk, organization.pk, title.casefold())] = role
    return role


def role_find(
    *, person: Person, organization: Organization, title: str, cache: dict | None
) -> Role | None:
    """The person's role with this title at this organization, if any: from the
    import's cache when it knows, else from the database."""
    title = squash(title)
    key = (Role, person.pk, organization.pk, title.casefold())
    role = cache.get(key) if cache is not None else None
    # (Role, person pk) in the cache: every role of the person is there too.
    # (ASCII titles only: see `names_preload`.)
    complete = cache is not None and (Role, person.pk) in cache and title.isascii()
    if role is None and not complete:
        if batch_of(cache) is not None:
            batch_of(cache).flush()
        role = (
            Role.objects.filter(person=person, organization=organization)
            .titled(title)
            .order_by("id")
            .first()
        )
    return role


def roles_at(
    *, person: Person, organization: Organization, cache: dict | None
) -> list[Role] | None:
    """Every role of `person` at `organization` (any title) if the import's
    cache knows them all (`names_preload`, and roles created since), else None."""
    if cache is None or (Role, person.pk) not in cache:
        return None
    return cache.get((Role, person.pk, organization.pk), [])


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
    name at a time, as `named()` always did. On PostgreSQL the names not found
    are locked, as `named_get_or_create` does one by one, and looked up again;
    for a model with slugs, those the missing names would take are checked
    once. Returns the rows found."""
    wanted = {squash(n).casefold() for n in names if n and _ascii(squash(n))}
    wanted.discard("")
    found = _named_rows(model, wanted)
    missing = wanted - set(found)
    if missing and connection.vendor == "postgresql":
        _lock_names(model, missing)
        found |= _named_rows(model, missing)
        missing -= set(found)
        cache[(model, "locked")] = missing
    for name in wanted:
        cache[(model, name)] = found.get(name)
    if missing and any(f.name == "slug" for f in model._meta.fields):
        _slugs_preload(cache, model, {_slug_base(name) for name in missing})
    if model is Person and found:
        people = {p.pk: p for p in found.values()}
        for pk in people:
            cache[(Role, pk)] = True
        roles = (
            Role.objects.filter(person__in=people)
            .select_related("organization")
            .order_by("-id")  # the first role of a title wins, as in the lookup
        )
        at = {}
        for role in roles:
            role.person = people[role.person_id]
            at.setdefault((Role, role.person_id, role.organization_id), []).insert(
                0, role
            )
            if role.title.isascii():
                title = role.title.casefold()
                cache[(Role, role.person_id, role.organization_id, title)] = role
        for key, listed in at.items():
            cache[key] = listed
    return list(found.values())


def _named_rows(model: type[models.Model], folded: set[str]) -> dict:
    """The rows of `model` whose case-folded name is in `folded`, by that name."""
    found = {}
    listed = sorted(folded)
    for start in range(0, len(listed), 500):
        rows = (
            model.objects.annotate(_folded=Lower("name"))
            .filter(_folded__in=listed[start : start + 500])
            .order_by("id")
        )
        for row in rows:
            if _ascii(row.name):
                found.setdefault(row.name.casefold(), row)
    return found


def _slugs_preload(cache: dict, model: type[models.Model], slugs: set[str]) -> None:
    """Which of `slugs` are free for new rows of `model`, for `unique_slug`."""
    taken = set()
    listed = sorted(slugs)
    redirects = getattr(model, "redirects", None)
    for start in range(0, len(listed), 500):
        chunk = listed[start : start + 500]
        taken |= set(
            model._default_manager.filter(slug__in=chunk).values_list("slug", flat=True)
        )
        if redirects is not None:
            taken |= set(
                redirects.rel.related_model.objects.filter(
                    old_slug__in=chunk
                ).values_list("old_slug", flat=True)
            )
    cache[(model, "free slugs")] = slugs - taken
    cache[(model, "taken slugs")] = set()
