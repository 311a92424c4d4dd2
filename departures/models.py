from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from departures.database import CHOICE_COLUMNS
from departures.normalization import normalize_url
from departures.querysets import (
    CitationQuerySet,
    DepartureQuerySet,
    SourceQuerySet,
    TagQuerySet,
)
from people.dates import (
    PRECISION_HELP,
    PartialDate,
    Precision,
    clean_partial_date,
    precision_constraint,
)
from people.models import Organization, Person, Role
from people.paths import path
from people.validators import http_url


class Tag(models.Model):
    name = models.CharField(
        max_length=100, help_text="A recurring theme, e.g. “safety concerns”."
    )
    slug = models.SlugField(max_length=100, db_index=False)
    description = models.TextField(blank=True)

    objects = TagQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), name="departures_tag_name_ci_unique"
            ),
            models.UniqueConstraint(fields=["slug"], name="departures_tag_slug_unique"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return path("departures:timeline") + f"?tag={self.slug}"

    def clean(self):
        super().clean()
        clash = Tag.objects.named(self.name).exclude(pk=self.pk)
        if self.name and clash.exists():
            raise ValidationError({"name": "A tag with this name already exists."})


class Source(models.Model):
    class Kind(models.TextChoices):
        OWN_STATEMENT = "own_statement", "Own statement"
        COMPANY_STATEMENT = "company_statement", "Company statement"
        REGULATORY_FILING = "regulatory_filing", "Regulatory filing"
        PRESS = "press", "Press"
        OTHER = "other", "Other"

    url = models.URLField(
        "URL",
        max_length=600,
        validators=[http_url],
        help_text="The page itself. Stored without tracking parameters or #fragment; "
        "one source per URL.",
    )
    title = models.CharField(
        max_length=300, blank=True, help_text="The headline as shown on the page."
    )
    publisher = models.CharField(
        max_length=200,
        blank=True,
        help_text="The outlet; for a syndicated copy, the original outlet and where "
        "it ran, e.g. “Reuters, via Gulf News”.",
    )
    published_on = models.DateField(null=True, blank=True)
    published_precision = models.CharField(
        max_length=5, choices=Precision, blank=True, help_text=PRECISION_HELP
    )
    accessed_on = models.DateField(
        null=True, blank=True, help_text="When an editor last read the page."
    )
    archived_url = models.URLField(
        "archived URL",
        max_length=600,
        validators=[http_url],
        blank=True,
        help_text="A copy in a web archive, in case the page changes or disappears.",
    )
    kind = models.CharField(
        max_length=20,
        choices=Kind,
        default=Kind.PRESS,
        help_text="Own statement: the person's own post or letter. Company "
        "statement: the organization's announcement. Regulatory filing: a filing "
        "with a regulator. Press: reporting by a news outlet. Other: anything else, "
        "including wikis and encyclopedias.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "publisher", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], name="departures_source_url_unique"
            ),
            precision_constraint(
                "published_on",
                "published_precision",
                name="departures_source_published_precision",
            ),
        ]

    def __str__(self):
        return self.title or self.publisher or self.url

    @property
    def short_name(self) -> str:
        """How a listing names the source: the publisher, or the URL where
        none is recorded, cut to 40 characters. (What `truncatechars:40`
        would make of it, for a tenth of its cost: a timeline page writes
        one for every source of its 50 cards.)"""
        name = self.publisher or self.url
        return name if len(name) <= 40 else name[:39] + "…"

    def clean(self):
        super().clean()
        self.url = normalize_url(self.url)
        if errors := clean_partial_date(self, "published"):
            raise ValidationError(errors)

    @property
    def published(self) -> PartialDate | None:
        return PartialDate.from_db(self.published_on, self.published_precision)


class Departure(models.Model):
    class Reason(models.TextChoices):
        RESIGNED = "resigned", "Resigned"
        NEW_ROLE = "new_role", "Left for a new role"
        FOUNDED = "founded", "Left to found a company"
        RETIRED = "retired", "Retired"
        OUSTED = "ousted", "Ousted"
        RESTRUCTURING = "restructuring", "Restructuring"
        HEALTH_PERSONAL = "health_personal", "Health or personal reasons"
        LEAVE = "leave", "Leave of absence"
        TERM_ENDED = "term_ended", "Term ended"
        DIED = "died", "Died in office"
        UNDISCLOSED = "undisclosed", "Undisclosed"

    class Status(models.TextChoices):
        RUMORED = "rumored", "Rumored"
        REPORTED = "reported", "Reported"
        CONFIRMED = "confirmed", "Confirmed"

    # Reasons that are involuntary by definition; health_personal may be, when
    # the sources say so.
    ALWAYS_INVOLUNTARY = frozenset({Reason.OUSTED, Reason.DIED})
    # What an editor states about a departure besides its role and dates: the
    # change form, a reviewed change and its diff all take this one list.
    FACTS = (
        "reason",
        "is_involuntary",
        "stated_reason",
        "context",
        "is_disputed",
        "disputed_note",
        "destination",
        "destination_title",
        "successor",
        "status",
        "reversed_on",
        "reversal_note",
    )
    MAYBE_INVOLUNTARY = frozenset({Reason.HEALTH_PERSONAL})
    # Columns the database keeps (copied from the role, or computed): left out
    # of the history, which records what editors wrote.
    STORED = [
        "person",
        "organization",
        "seniority",
        "function",
        "is_founder",
        "announced_month",
        "tenure_days",
    ]

    role = models.ForeignKey(
        Role,
        on_delete=models.PROTECT,
        related_name="departures",
        help_text="The position the person left.",
    )
    announced_on = models.DateField(
        help_text="When the departure became public: the first announcement or "
        "credible report. Not the last day in the role."
    )
    announced_precision = models.CharField(
        max_length=5, choices=Precision, default=Precision.DAY, help_text=PRECISION_HELP
    )
    effective_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the person actually left the role, if known. A date after "
        "today means “announced, still in role”.",
    )
    effective_precision = models.CharField(
        max_length=5, choices=Precision, blank=True, help_text=PRECISION_HELP
    )
    reason = models.CharField(
        max_length=20,
        choices=Reason,
        default=Reason.UNDISCLOSED,
        help_text="The category that best fits the sources; see the methodology "
        "page. Use “undisclosed” when no reason was given.",
    )
    is_involuntary = models.BooleanField(
        "involuntary",
        default=False,
        help_text="Always on for ousted and died. Tick for health or personal "
        "reasons only when the sources say the person did not choose to leave.",
    )
    stated_reason = models.TextField(
        blank=True,
        help_text="The reason in the words of the person or the organization, "
        "quoted where possible.",
    )
    context = models.TextField(
        blank=True,
        help_text="What others reported about why, when it differs from or adds "
        "to the stated reason.",
    )
    is_disputed = models.BooleanField(
        "disputed",
        default=False,
        help_text="Tick when sources conflict on a fact of this departure.",
    )
    disputed_note = models.TextField(
        blank=True,
        help_text="What the sources disagree on, with both versions. Never pick "
        "one silently.",
    )
    destination = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrivals",
        help_text="Where the person went next, once known.",
    )
    destination_title = models.CharField(max_length=200, blank=True)
    successor = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successions",
        help_text="Who took over the role, when named.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.REPORTED,
        help_text="Rumored: unconfirmed talk. Reported: reported by the press. "
        "Confirmed: said by the person or the organization.",
    )
    reversed_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the departure was undone (an ouster reversed, a leave "
        "ended, a resignation withdrawn).",
    )
    reversal_note = models.TextField(blank=True)
    # Copies of the role's facts, kept right by database triggers on every
    # write path (departures/database.py), so that the timeline filters and
    # counts on this one table. Never written by the application.
    person = models.ForeignKey(
        Person,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,  # dep_person_idx, with published_at
        help_text="The role's person, copied by the database.",
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,  # dep_organization_idx, with published_at
        help_text="The role's organization, copied by the database.",
    )
    seniority = models.CharField(
        max_length=10,
        choices=Role.Seniority,
        blank=True,
        db_default="",
        editable=False,
        help_text="The role's seniority, copied by the database.",
    )
    function = models.CharField(
        max_length=20,
        choices=Role.Function,
        blank=True,
        db_default="",
        editable=False,
        help_text="The role's function, copied by the database.",
    )
    is_founder = models.BooleanField(
        "founder",
        default=False,
        db_default=False,
        editable=False,
        help_text="The role's founder flag, copied by the database.",
    )
    announced_month = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The first day of the announcement's month, computed by the "
        "database: what the chart counts by.",
    )
    tenure_days = models.IntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Whole days from the role's start to the departure (effective, "
        "else announced), computed by the database; empty when the role has no "
        "start date. What an organization's median tenure is read from.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="departures")
    sources = models.ManyToManyField(
        Source, through="Citation", related_name="departures"
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty while this is a draft. Set when it was published.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DepartureQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[tags], excluded_fields=STORED)

    class Meta:
        ordering = ["-announced_on", "-id"]
        permissions = [("publish_departure", "Can publish and unpublish departures")]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "announced_on"],
                name="departures_departure_one_per_role_per_date",
                violation_error_message="This role already has a departure "
                "announced on that date.",
            ),
            models.CheckConstraint(
                condition=Q(reversed_on__isnull=True)
                | Q(reversed_on__gte=F("announced_on")),
                name="departures_departure_reversal_after_announcement",
                violation_error_message="A departure cannot be reversed before it "
                "was announced.",
            ),
            models.CheckConstraint(
                condition=~Q(announced_precision=""),
                name="departures_departure_announced_precision",
            ),
            precision_constraint(
                "effective_on",
                "effective_precision",
                name="departures_departure_effective_precision",
            ),
            models.CheckConstraint(
                condition=Q(is_involuntary=True) | ~Q(reason__in=["ousted", "died"]),
                name="departures_departure_ousted_died_involuntary",
            ),
            models.CheckConstraint(
                condition=Q(is_involuntary=False)
                | Q(reason__in=["ousted", "died", "health_personal"]),
                name="departures_departure_involuntary_reasons",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-announced_on", "-id"],
                condition=Q(published_at__isnull=False),
                name="departures_published_date_idx",
            ),
            models.Index(fields=["announced_on", "id"], name="departures_date_idx"),
            # What the facets and the chart count by, over published rows
            # only (departures/facets.py). Each ends with published_at, which
            # SQLite needs to see to read the index alone.
            models.Index(
                fields=[
                    "reason",
                    "status",
                    "seniority",
                    "function",
                    "is_founder",
                    "reversed_on",
                    "published_at",
                ],
                condition=Q(published_at__isnull=False),
                name="dep_pub_choices_idx",
            ),
            models.Index(
                fields=["organization", "-announced_on", "-id", "published_at"],
                condition=Q(published_at__isnull=False),
                name="dep_pub_org_date_idx",
            ),
            models.Index(
                fields=["destination", "published_at"],
                condition=Q(published_at__isnull=False),
                name="dep_pub_destination_idx",
            ),
            # An organization's page (and the timeline narrowed to one): its
            # chart and totals, where its leavers went, and the median of
            # their tenures, each read from the organization's stretch of
            # one index alone.
            models.Index(
                fields=[
                    "organization",
                    "announced_month",
                    "announced_precision",
                    "reason",
                    "is_involuntary",
                    "reversed_on",
                    "published_at",
                ],
                condition=Q(published_at__isnull=False),
                name="dep_pub_org_month_idx",
            ),
            models.Index(
                fields=["organization", "destination", "published_at"],
                condition=Q(published_at__isnull=False),
                name="dep_pub_org_destination_idx",
            ),
            models.Index(
                fields=["organization", "tenure_days", "published_at"],
                condition=Q(published_at__isnull=False),
                name="dep_pub_org_tenure_idx",
            ),
            models.Index(
                fields=["announced_month", "announced_precision", "published_at"],
                condition=Q(published_at__isnull=False),
                name="dep_pub_month_idx",
            ),
            # Who and where, for search and the people and organization
            # pages; published_at makes "has a published departure" an
            # index-only question.
            models.Index(fields=["person", "published_at"], name="dep_person_idx"),
            models.Index(
                fields=["organization", "published_at"], name="dep_organization_idx"
            ),
            # Drafts, newest first: the admin's draft filter and its count,
            # and the drafts' themes the timeline subtracts.
            models.Index(
                fields=["-announced_on", "-id"],
                condition=Q(published_at__isnull=True),
                name="departures_draft_date_idx",
            ),
            # The count of published rows, and the ids a facet joins to.
            models.Index(
                fields=["published_at", "reversed_on"], name="dep_published_idx"
            ),
            models.Index(fields=["reason"], name="departures_reason_idx"),
            models.Index(fields=["status"], name="departures_status_idx"),
            models.Index(fields=["reversed_on"], name="departures_reversed_idx"),
        ]

    def __str__(self):
        role = self.role
        return f"{role.person.name} left {role.organization.name} ({self.announced})"

    def get_absolute_url(self):
        return path("departures:detail", pk=self.pk, slug=self.slug)

    def clean(self):
        super().clean()
        errors = {}
        if self.reason in self.ALWAYS_INVOLUNTARY:
            self.is_involuntary = True
        elif self.reason not in self.MAYBE_INVOLUNTARY:
            self.is_involuntary = False
        errors |= clean_partial_date(self, "announced", required=True)
        errors |= clean_partial_date(self, "effective")
        if (
            self.reversed_on
            and self.announced_on
            and self.reversed_on < self.announced_on
        ):
            errors["reversed_on"] = (
                "A departure cannot be reversed before it was announced."
            )
        if self.is_disputed and not self.disputed_note.strip():
            errors["disputed_note"] = "Say what the sources disagree on."
        if self.destination_title and not self.destination_id:
            errors["destination"] = "Name the organization the title is at."
        if errors:
            raise ValidationError(errors)

    @property
    def slug(self) -> str:
        return slugify(f"{self.role.person.name} {self.role.organization.name}")

    @property
    def announced(self) -> PartialDate:
        return PartialDate.from_db(self.announced_on, self.announced_precision)

    @property
    def effective(self) -> PartialDate | None:
        return PartialDate.from_db(self.effective_on, self.effective_precision)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_reversed(self) -> bool:
        return self.reversed_on is not None

    @property
    def is_pending(self) -> bool:
        """Announced, still in role: the effective date is still ahead."""
        effective = self.effective
        if effective is None or self.is_reversed:
            return False
        return effective.start > timezone.localdate()


class Citation(models.Model):
    departure = models.ForeignKey(
        Departure, on_delete=models.CASCADE, related_name="citations"
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations"
    )
    quote = models.TextField(
        blank=True,
        help_text="The passage of the source that backs this departure, verbatim.",
    )

    objects = CitationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["departure", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["departure", "source"],
                name="departures_citation_once_per_source",
            ),
        ]

    def __str__(self):
        return f"{self.source} for departure {self.departure_id}"


class DepartureRedirect(models.Model):
    """The id of a departure folded into another by a merge, for old links."""

    old_id = models.PositiveBigIntegerField()
    departure = models.ForeignKey(
        Departure, on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["old_id"], name="departures_departureredirect_id_unique"
            ),
        ]

    def __str__(self):
        return f"{self.old_id} → {self.departure_id}"


class DepartureRevision(models.Model):
    """Changes to a published departure proposed by someone who may not publish.

    The public keeps seeing the departure as it is until a publisher approves
    (see departures/revisions.py).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    departure = models.ForeignKey(
        Departure, on_delete=models.CASCADE, related_name="revisions"
    )
    values = models.JSONField(
        help_text="The proposed departure: fields, tag ids and citations."
    )
    base_history_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The version the change was made over."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(
        blank=True, help_text="The reviewer's note; required to reject."
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["departure"],
                condition=Q(status="pending"),
                name="departures_rev_pending_idx",
            )
        ]

    def __str__(self):
        return f"Change to departure {self.departure_id} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("admin:departures_departure_review", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class Tally(models.Model):
    """How many published departures a person or an organization has.

    Counted by database triggers on every write of a departure or a role
    (departures/database.py), on every path; the application only reads it.
    """

    departures = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.pk}: {self.departures}"


class PersonTally(Tally):
    """The published departures a person left in, for /people/."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )

    class Meta:
        verbose_name_plural = "person tallies"


class OrganizationTally(Tally):
    """The published departures that left an organization, for
    /organizations/."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )

    class Meta:
        verbose_name_plural = "organization tallies"

    @classmethod
    def published_departures(cls) -> int:
        """How many departures are published: each left one organization, so
        the tallies add up to every one, once (a few thousand rows to read,
        not a hundred thousand to count)."""
        return cls.objects.aggregate(n=Coalesce(Sum("departures"), 0))["n"]


class ChoiceTally(models.Model):
    """How many published departures have each combination of the timeline's
    fixed-choice facets (reason, status, and the role's seniority, function
    and founder flag), and how many of them were reversed: a few thousand
    rows that give those facets' counts wherever nothing else narrows the
    departures (departures/facets.py). Kept by the same triggers as the
    tallies of people and organizations; the application only reads it."""

    # Its key, in the order the triggers write it (departures/database.py).
    COLUMNS = CHOICE_COLUMNS

    reason = models.CharField(max_length=20)
    status = models.CharField(max_length=10)
    seniority = models.CharField(max_length=10)
    function = models.CharField(max_length=20)
    is_founder = models.BooleanField()
    departures = models.IntegerField(default=0)
    reversed = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "choice tallies"
        constraints = [
            models.UniqueConstraint(
                fields=list(CHOICE_COLUMNS), name="choice_tally_key"
            )
        ]

    def __str__(self):
        values = ", ".join(str(getattr(self, column)) for column in self.COLUMNS)
        return f"{values}: {self.departures} ({self.reversed} reversed)"

    @classmethod
    def combinations(cls, columns) -> list[tuple]:
        """(*values of `columns`, departures, reversed) for each combination
        with a published departure: the rows of the GROUP BY the choice
        facets would otherwise make over every published departure."""
        return list(
            cls.objects.filter(departures__gt=0)
            .order_by()
            .values_list(*columns, "departures", "reversed")
        )
