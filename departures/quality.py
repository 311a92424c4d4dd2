"""Data-quality checks for editors: each finds records that need a second look."""

from __future__ import annotations

import datetime
import difflib
import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.urls import reverse

from departures.models import Departure
from people.models import Organization, Person, Role

FAR_APART = datetime.timedelta(days=365)
DUPLICATE_WINDOW = datetime.timedelta(days=90)
NEAR_NAME_RATIO = 0.9
_ORG_SUFFIXES = {"inc", "llc", "ltd", "corp", "co", "corporation", "limited", "plc"}


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


def _change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _merge_url(model, pks) -> str:
    opts = model._meta
    ids = ",".join(str(pk) for pk in sorted(pks))
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + (
        f"?id__in={ids}"
    )


def published_without_sources() -> list[Issue]:
    departures = (
        Departure.objects.published()
        .filter(citations__isnull=True)
        .select_related("role__person", "role__organization")
    )
    return [
        Issue(str(d), _change_url(d), "Add a source or unpublish") for d in departures
    ]


def roles_starting_after_departure() -> list[Issue]:
    """Departures announced before the role they leave began: a date is wrong."""
    departures = Departure.objects.filter(
        role__start_on__gt=F("announced_on")
    ).select_related("role__person", "role__organization")
    return [
        Issue(
            str(d),
            _change_url(d),
            "Correct the role's start or the departure's dates",
            note=f"role began {d.role.start}, departure announced {d.announced}",
        )
        for d in departures
    ]


def roles_ended_without_departure() -> list[Issue]:
    roles = Role.objects.filter(
        end_on__isnull=False, departures__isnull=True
    ).select_related("person", "organization")
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


def overlapping_roles() -> list[Issue]:
    """Roles of one person at one organization whose known periods overlap, or
    the same title twice with a period unknown."""
    pairs = (
        Role.objects.values("person", "organization")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    issues = []
    for pair in pairs:
        roles = (
            Role.objects.filter(
                person=pair["person"], organization=pair["organization"]
            )
            .select_related("person", "organization")
            .order_by("id")
        )
        for a, b in itertools.combinations(roles, 2):
            if _overlap(a, b):
                issues.append(
                    Issue(
                        f"{a.person.name} at {a.organization.name}: “{a.title}” "
                        f"and “{b.title}”",
                        _change_url(a.person),
                        "Correct the dates, or merge the roles",
                        note=_period(a) + " / " + _period(b),
                    )
                )
    return issues


def _period(role: Role) -> str:
    return f"{role.start or '?'} – {role.end or 'now'}"


def effective_far_from_announced() -> list[Issue]:
    departures = Departure.objects.filter(effective_on__isnull=False).select_related(
        "role__person", "role__organization"
    )
    return [
        Issue(
            str(d),
            _change_url(d),
            "Check both dates",
            note=f"announced {d.announced}, effective {d.effective}",
        )
        for d in departures
        if abs(d.effective_on - d.announced_on) > FAR_APART
    ]


def normalize_name(name: str, *, drop: frozenset | set = frozenset()) -> str:
    """Lower-case, accent-free words, without punctuation or `drop` words."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[^\w\s]", " ", text).split()
    return " ".join(w for w in words if w not in drop)


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


def _duplicate_names(model, drop=frozenset()) -> list[Issue]:
    """Pairs of records with the same or nearly the same name.

    Names are compared only within a block (same first word, same last word, or
    the same letters once spaces are dropped: "Open AI" and "OpenAI") to keep
    the work proportional to the table, not its square.
    """
    blocks = defaultdict(list)
    for pk, name in model.objects.values_list("pk", "name"):
        normal = normalize_name(name, drop=drop)
        if normal:
            words = normal.split()
            blocks["compact", "".join(words)].append((pk, name, normal))
            blocks["first", words[0]].append((pk, name, normal))
            if len(words) > 1:
                blocks["last", words[-1]].append((pk, name, normal))
    issues, seen = [], set()
    for members in blocks.values():
        for (pk_a, name_a, a), (pk_b, name_b, b) in itertools.combinations(members, 2):
            if (pk_a, pk_b) not in seen and _near(a, b):
                seen.add((pk_a, pk_b))
                issues.append(
                    Issue(
                        f"{name_a} / {name_b}",
                        _merge_url(model, [pk_a, pk_b]),
                        "Compare, then merge if they are the same",
                        note="same name"
                        if a.replace(" ", "") == b.replace(" ", "")
                        else "similar names",
                    )
                )
    return issues


def duplicate_people() -> list[Issue]:
    return _duplicate_names(Person)


def duplicate_organizations() -> list[Issue]:
    return _duplicate_names(Organization, drop=_ORG_SUFFIXES)


def duplicate_departures() -> list[Issue]:
    """Departures of one person from one organization within 90 days."""
    departures = Departure.objects.select_related(
        "role__person", "role__organization"
    ).order_by("role__person", "role__organization", "announced_on", "id")
    groups = itertools.groupby(
        departures, key=lambda d: (d.role.person_id, d.role.organization_id)
    )
    issues = []
    for _, group in groups:
        for a, b in itertools.combinations(list(group), 2):
            if abs(b.announced_on - a.announced_on) <= DUPLICATE_WINDOW:
                issues.append(
                    Issue(
                        f"{a} / {b}",
                        _change_url(b),
                        "Compare with the other; delete or correct one",
                        note=f"announced {a.announced} and {b.announced}",
                        other_url=_change_url(a),
                    )
                )
    return issues


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


def run_checks() -> list[Check]:
    return [
        Check(key, title, description, find())
        for key, title, description, find in CHECKS
    ]
