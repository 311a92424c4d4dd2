"""Data-quality checks for editors: each finds records that need a second look.

Each check is a query the database answers with its own indexes, or one pass
over a table, never a comparison of every row with every other; and each stops
at `limit` issues, which is what an editor can work through at once. The checks
that read whole tables (names, roles held together) are kept in the cache until
a person, organization, role or departure they read is added, saved or
deleted.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Abs
from django.urls import reverse

from departures.database import DaysBetween
from departures.models import Citation, Departure
from people.models import Organization, Person, Role

FAR_APART = datetime.timedelta(days=365)
DUPLICATE_WINDOW = datetime.timedelta(days=90)
NEAR_NAME_RATIO = 0.9
_ORG_SUFFIXES = {"inc", "llc", "ltd", "corp", "co", "corporation", "limited", "plc"}
# Issues shown per check; the page says when there are more.
SHOWN = 50
# How many neighbours, in each sort order, a name is compared with.
NAME_WINDOW = 4


@dataclass
class Issue:
    label: str
    url: str
    fix: str
    note: str = ""
    other_url: str = ""


@dataclass
class Check:
    key: str
    title: str
    description: str
    issues: list[Issue] = field(default_factory=list)
    more: bool = False


def _change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _merge_url(model, pks) -> str:
    opts = model._meta
    ids = ",".join(str(pk) for pk in sorted(pks))
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + (
        f"?id__in={ids}"
    )


def _people_with_roles_together():
    """People who held more than one role at one organization: one pass over
    the roles, grouped (a correlated EXISTS per role costs a seek each)."""
    return (
        Role.objects.order_by()
        .values("person", "organization")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("person")
    )


def _departures():
    return Departure.objects.select_related("role__person", "role__organization")


def _first_departures(matching, limit: int):
    """Up to `limit` of the `matching` departures, newest first; found with no
    order and no joins for display, so the database may hash-join the whole
    table rather than probe it row by row in order (PostgreSQL's choice under a
    LIMIT when it expects many matches and there are none)."""
    found = list(matching.order_by().values_list("pk", flat=True)[:limit])
    return _departures().filter(pk__in=found).order_by("-pk")


def published_without_sources(limit: int = SHOWN) -> list[Issue]:
    unsourced = Departure.objects.published().filter(
        ~Exists(Citation.objects.filter(departure=OuterRef("pk")))
    )
    return [
        Issue(str(d), _change_url(d), "Add a source or unpublish")
        for d in _first_departures(unsourced, limit)
    ]


def roles_starting_after_departure(limit: int = SHOWN) -> list[Issue]:
    """Departures announced before the role they leave began: a date is wrong."""
    departures = _first_departures(
        Departure.objects.filter(role__start_on__gt=F("announced_on")), limit
    )
    return [
        Issue(
            str(d),
            _change_url(d),
            "Correct the role's start or the departure's dates",
            note=f"role began {d.role.start}, departure announced {d.announced}",
        )
        for d in departures
    ]


def roles_ended_without_departure(limit: int = SHOWN) -> list[Issue]:
    # Newest first by id: Role's own ordering sorts every match by a joined name.
    roles = (
        Role.objects.filter(end_on__isnull=False)
        .filter(~Exists(Departure.objects.filter(role=OuterRef("pk"))))
        .select_related("person", "organization")
        .order_by("-pk")[:limit]
    )
    return [
        Issue(
            str(r),
            _change_url(r),
            "Log its departure or clear the end date",
            note=f"ended {r.end}",
        )
        for r in roles
    ]


def _overlap(a: Role, b: Role) -> bool:
    if a.title.casefold() == b.title.casefold():
        return a.start_on is None or b.start_on is None or _dated_overlap(a, b)
    return a.start_on is not None and b.start_on is not None and _dated_overlap(a, b)


def _dated_overlap(a: Role, b: Role) -> bool:
    far = datetime.date.max
    a_start, b_start = a.start_on or datetime.date.min, b.start_on or datetime.date.min
    a_end = a.end.end if a.end_on else far
    b_end = b.end.end if b.end_on else far
    return a_start <= b_end and b_start <= a_end


def overlapping_roles(limit: int = SHOWN) -> list[Issue]:
    """Roles of one person at one organization whose known periods overlap, or
    the same title twice with a period unknown.

    The roles compared are read without their people and organizations,
    which only the pairs shown are read with: joined, the 2 800 roles of
    100 000 that share a person and an organization took 190 ms on
    PostgreSQL, against 80."""
    roles = Role.objects.filter(person__in=_people_with_roles_together()).order_by(
        "person_id", "organization_id", "id"
    )
    pairs = []
    groups = itertools.groupby(
        roles.iterator(), key=lambda r: (r.person_id, r.organization_id)
    )
    for _, group in groups:
        if len(pairs) >= limit:
            break
        pairs += [
            (a, b) for a, b in itertools.combinations(list(group), 2) if _overlap(a, b)
        ]
    pairs = pairs[:limit]
    named = Role.objects.select_related("person", "organization").in_bulk(
        {role.pk for pair in pairs for role in pair}
    )
    return [
        Issue(
            f"{a.person.name} at {a.organization.name}: “{a.title}” and “{b.title}”",
            _change_url(a.person),
            "Correct the dates, or merge the roles",
            note=_period(a) + " / " + _period(b),
        )
        for a, b in ((named[first.pk], named[second.pk]) for first, second in pairs)
    ]


def _period(role: Role) -> str:
    return f"{role.start or '?'} – {role.end or 'now'}"


def effective_far_from_announced(limit: int = SHOWN) -> list[Issue]:
    far = Departure.objects.alias(
        apart=Abs(DaysBetween("effective_on", "announced_on"))
    ).filter(effective_on__isnull=False, apart__gt=FAR_APART.days)
    departures = _first_departures(far, limit)
    return [
        Issue(
            str(d),
            _change_url(d),
            "Check both dates",
            note=f"announced {d.announced}, effective {d.effective}",
        )
        for d in departures
    ]


# What splits a name into words besides spaces: anything but a letter, digit
# or underscore; for an ASCII name, the same as a translation table, cheaper
# than the expression on each of 60 000 names (the duplicate checks).
_BREAKS = re.compile(r"[^\w\s]")
_ASCII_BREAKS = {n: " " for n in range(128) if _BREAKS.match(chr(n))}


def normalize_name(name: str, *, drop: frozenset | set = frozenset()) -> str:
    """Lower-case, accent-free words, without punctuation or `drop` words."""
    if name.isascii():
        words = name.translate(_ASCII_BREAKS).casefold().split()
    else:
        text = unicodedata.normalize("NFKD", name)
        text = "".join(c for c in text if not unicodedata.combining(c))
        words = _BREAKS.sub(" ", text.casefold()).split()
    return " ".join(w for w in words if w not in drop) if drop else " ".join(words)


def _near(a: str, b: str) -> bool:
    if a.replace(" ", "") == b.replace(" ", ""):
        return True
    first_a, first_b = a.split()[0], b.split()[0]
    same_rest = a.split()[1:] == b.split()[1:]
    if same_rest and (first_a.startswith(first_b) or first_b.startswith(first_a)):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= NEAR_NAME_RATIO


def near_names(model, name: str) -> list[str]:
    """Names of `model` records close to `name` but not equal to it.

    The test the duplicate checks use ("Open AI" and "OpenAI", "Okonkwo Hale"
    and "Okonkwo-Hale"), against the records sharing its first letters or its
    last word."""
    drop = _ORG_SUFFIXES if model is Organization else frozenset()
    normal = normalize_name(name, drop=drop)
    if not normal or model.objects.named(name).exists():
        return []
    words = name.split()
    candidates = model.objects.filter(
        Q(name__istartswith=name.strip()[:3]) | Q(name__icontains=words[-1][-4:])
    ).values_list("name", flat=True)
    return sorted(
        {
            other
            for other in candidates[:500]
            if (b := normalize_name(other, drop=drop)) and _near(normal, b)
        }
    )


def _duplicate_names(model, drop=frozenset(), limit: int = SHOWN) -> list[Issue]:
    """Pairs of records with the same or nearly the same name (`_near`).

    One pass over the names, then three sorted orders, each name compared with
    its next few: the same letters once spaces are dropped ("Open AI" and
    "OpenAI") sort together; so do the same surname with a longer first name
    ("Sam Altman", "Samuel Altman", sorted by the rest of the name first); and
    a typo anywhere but at both ends is caught from one end or the other
    (sorted as spelt, and spelt backwards). Work in proportion to the table,
    where comparing every pair within a common surname or first name is not.
    """
    records = defaultdict(list)  # normalized name -> [(pk, name)]
    for pk, name in model.objects.order_by("pk").values_list("pk", "name"):
        if normal := normalize_name(name, drop=drop):
            records[normal].append((pk, name))
    pairs = {}  # (pk_a, pk_b) -> note, in the order found

    def add(a: str, b: str):
        note = (
            "same name" if a.replace(" ", "") == b.replace(" ", "") else "similar names"
        )
        for first, second in itertools.product(records[a], records[b]):
            pairs.setdefault(tuple(sorted((first, second))), note)

    compact = defaultdict(list)
    for normal in records:
        compact[normal.replace(" ", "")].append(normal)
    for same in compact.values():
        for normal in same:
            for a, b in itertools.combinations(records[normal], 2):
                pairs.setdefault((a, b), "same name")
        for a, b in itertools.combinations(same, 2):
            add(a, b)
        if len(pairs) > limit:
            break

    def by_rest(normal: str):
        first, _, rest = normal.partition(" ")
        return rest, first

    orders = [
        sorted(records, key=by_rest),
        sorted(records),
        sorted(records, key=_reverse),
    ]
    for names in orders:
        for i, a in enumerate(names):
            if len(pairs) > limit:
                break
            for b in names[i + 1 : i + 1 + NAME_WINDOW]:
                if _comparable(a, b) and _near(a, b):
                    add(a, b)
    # A first name and the longer ones it begins, however many sort between.
    names = orders[0]
    for i, a in enumerate(names):
        if len(pairs) > limit:
            break
        rest, first = by_rest(a)
        j = i + 1
        while rest and j < len(names):
            b_rest, b_first = by_rest(names[j])
            if b_rest != rest or not b_first.startswith(first):
                break
            add(a, names[j])
            j += 1
    return [
        Issue(
            f"{a[1]} / {b[1]}",
            _merge_url(model, [a[0], b[0]]),
            "Compare, then merge if they are the same",
            note=note,
        )
        for (a, b), note in itertools.islice(pairs.items(), limit)
    ]


def _reverse(text: str) -> str:
    return text[::-1]


def _comparable(a: str, b: str) -> bool:
    """Two one-word names are alike only when equal: "Meta" is not "Metaview"."""
    return (" " in a and " " in b) or a.split()[0] == b.split()[0]


def duplicate_people(limit: int = SHOWN) -> list[Issue]:
    return _duplicate_names(Person, limit=limit)


def duplicate_organizations(limit: int = SHOWN) -> list[Issue]:
    return _duplicate_names(Organization, drop=_ORG_SUFFIXES, limit=limit)


def duplicate_departures(limit: int = SHOWN) -> list[Issue]:
    """Departures of one person from one organization within 90 days.

    Found on the departure rows alone, from the copies of the role's person
    and organization the database keeps on each (departures/database.py):
    the people who left one organization twice (one role left twice, or two
    roles held there), then their departures' dates, four narrow columns;
    only the pairs shown are read in full. At 100 000 departures, joining
    each to its role for the same test took 300 ms."""
    twice = (
        Departure.objects.order_by()
        .values("person_id", "organization_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("person_id")
    )
    rows = (
        Departure.objects.filter(person_id__in=twice)
        .order_by("person_id", "organization_id", "announced_on", "id")
        .values_list("pk", "person_id", "organization_id", "announced_on")
    )
    pairs = []
    for _, group in itertools.groupby(rows.iterator(), key=lambda row: row[1:3]):
        if len(pairs) >= limit:
            break
        for a, b in itertools.combinations(list(group), 2):
            if abs(b[3] - a[3]) <= DUPLICATE_WINDOW:
                pairs.append((a[0], b[0]))
    pairs = pairs[:limit]
    shown = _departures().in_bulk({pk for pair in pairs for pk in pair})
    return [
        Issue(
            f"{a} / {b}",
            _change_url(b),
            "Compare with the other; delete or correct one",
            note=f"announced {a.announced} and {b.announced}",
            other_url=_change_url(a),
        )
        for a, b in ((shown[first], shown[second]) for first, second in pairs)
    ]


CHECKS = [
    (
        "published-without-sources",
        "Published departures without a source",
        "Nothing should be public without a source.",
        published_without_sources,
    ),
    (
        "ended-roles-without-departure",
        "Roles with an end date but no departure",
        "A role that ended usually has a departure that says why.",
        roles_ended_without_departure,
    ),
    (
        "overlapping-roles",
        "Overlapping roles of one person at one organization",
        "Known periods that overlap, or the same title recorded twice.",
        overlapping_roles,
    ),
    (
        "role-starts-after-departure",
        "Role starting after its departure",
        "The role began after the departure was announced.",
        roles_starting_after_departure,
    ),
    (
        "effective-far-from-announced",
        "Effective date more than a year from the announcement",
        "Often a typo in one of the dates.",
        effective_far_from_announced,
    ),
    (
        "duplicate-people",
        "Likely duplicate people",
        "The same or nearly the same name.",
        duplicate_people,
    ),
    (
        "duplicate-organizations",
        "Likely duplicate organizations",
        "The same or nearly the same name.",
        duplicate_organizations,
    ),
    (
        "duplicate-departures",
        "Likely duplicate departures",
        "One person leaving one organization twice within 90 days.",
        duplicate_departures,
    ),
]


# Checks that read a whole table, each with the tables its issues come from
# (their names, for the ones it shows): kept until one of those changes, so
# that logging a departure recomputes the departures' check (100 ms at
# 100 000 departures) but not the people's (200 ms for 60 000 names).
WHOLE_TABLE = {
    "overlapping-roles": (Role, Person, Organization),
    "duplicate-people": (Person,),
    "duplicate-organizations": (Organization,),
    "duplicate-departures": (Departure, Role, Person, Organization),
}
CACHE_SECONDS = 60 * 60


def records_versions() -> dict[type, str]:
    """For each table a whole-table check reads, a version that changes when
    a record is added, saved (`updated_at`) or deleted (the count): a handful
    of aggregates."""
    versions = {}
    for model in {model for read in WHOLE_TABLE.values() for model in read}:
        found = model.objects.order_by().aggregate(
            n=Count("pk"), last=Max("pk"), changed=Max("updated_at")
        )
        versions[model] = f"{found['n']}.{found['last']}.{found['changed']}"
    return versions


def run_checks(shown: int = SHOWN) -> list[Check]:
    """Every check, each with its first `shown` issues and whether there are more."""
    versions = records_versions()
    checks = []
    for key, title, description, find in CHECKS:
        if key in WHOLE_TABLE:
            read = "|".join(versions[model] for model in WHOLE_TABLE[key])
            version = hashlib.sha256(read.encode()).hexdigest()[:16]
            issues = cache.get_or_set(
                f"departures:quality:{key}:{shown}:{version}",
                lambda find=find: find(limit=shown + 1),
                CACHE_SECONDS,
            )
        else:
            issues = find(limit=shown + 1)
        checks.append(
            Check(key, title, description, issues[:shown], more=len(issues) > shown)
        )
    return checks
