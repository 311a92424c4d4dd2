from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from people.dates import (
    PRECISION_HELP,
    PartialDate,
    Precision,
    clean_partial_date,
    precision_constraint,
)
from people.paths import path
from people.querysets import OrganizationQuerySet, PersonQuerySet, RoleQuerySet
from people.validators import http_url, http_url_lines

wikidata_validator = RegexValidator(
    r"^Q[1-9][0-9]*$", "A Wikidata id is Q followed by digits, e.g. Q7407093."
)


class Organization(models.Model):
    name = models.CharField(
        max_length=200,
        help_text="The organization's usual name, e.g. “OpenAI”. Names are unique "
        "regardless of case.",
    )
    slug = models.SlugField(
        max_length=80, db_index=False, help_text="Used in URLs; unique."
    )
    website = models.URLField(blank=True, validators=[http_url])
    wikidata_id = models.CharField(
        "Wikidata id", max_length=20, blank=True, validators=[wikidata_validator]
    )
    description = models.TextField(blank=True, help_text="One or two sentences.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), name="people_organization_name_ci_unique"
            ),
            models.UniqueConstraint(
                fields=["slug"], name="people_organization_slug_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return path("people:organization-detail", slug=self.slug)

    def clean(self):
        super().clean()
        clash = Organization.objects.named(self.name)
        if self.pk:
            clash = clash.exclude(pk=self.pk)
        if self.name and clash.exists():
            raise ValidationError(
                {
                    "name": f"An organization named “{clash.first().name}” already "
                    "exists (names are compared regardless of case)."
                }
            )


class Person(models.Model):
    name = models.CharField(
        max_length=200,
        help_text="Full name as usually written. Names need not be unique; slugs are.",
    )
    slug = models.SlugField(
        max_length=80, db_index=False, help_text="Used in URLs; unique."
    )
    bio = models.TextField(blank=True, help_text="A short, sourced biography.")
    wikidata_id = models.CharField(
        "Wikidata id", max_length=20, blank=True, validators=[wikidata_validator]
    )
    links = models.TextField(
        blank=True,
        help_text="Official pages and profiles, one URL per line.",
        validators=[http_url_lines],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="people_person_slug_unique"),
        ]
        indexes = [
            models.Index(Lower("name"), name="people_person_name_ci_idx"),
            # /people/ in its order: a page is the next hundred of this index.
            models.Index(fields=["name", "id"], name="people_person_name_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return path("people:person-detail", slug=self.slug)

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class Role(models.Model):
    class Seniority(models.TextChoices):
        BOARD = "board", "Board"
        C_SUITE = "c_suite", "C-suite"
        VP = "vp", "Vice president"
        HEAD = "head", "Head"
        LEAD = "lead", "Lead"
        STAFF = "staff", "Staff"

    class Function(models.TextChoices):
        EXECUTIVE = "executive", "Executive"
        RESEARCH = "research", "Research"
        SAFETY = "safety", "Safety"
        POLICY = "policy", "Policy"
        PRODUCT = "product", "Product"
        ENGINEERING = "engineering", "Engineering"
        GO_TO_MARKET = "go_to_market", "Go-to-market"
        OPERATIONS = "operations", "Operations"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="roles"
    )
    title = models.CharField(
        max_length=200,
        help_text="The title as written by the organization, e.g. “Chief Technology "
        "Officer”.",
    )
    seniority = models.CharField(
        max_length=10,
        choices=Seniority,
        default=Seniority.C_SUITE,
        help_text="Board: a board seat. C-suite: chief officers, CEO, president. "
        "VP: vice presidents. Head: heads of a team or area. Lead: team leads. "
        "Staff: individual contributors.",
    )
    function = models.CharField(
        max_length=20,
        choices=Function,
        default=Function.EXECUTIVE,
        help_text="The area the role worked in.",
    )
    is_founder = models.BooleanField(
        "founder",
        default=False,
        help_text="Tick when the person co-founded the organization or was a "
        "founding member, whatever their later title.",
    )
    start_on = models.DateField(
        null=True, blank=True, help_text="When the role began, if known."
    )
    start_precision = models.CharField(
        max_length=5, choices=Precision, blank=True, help_text=PRECISION_HELP
    )
    end_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the role ended, if known. A departure records why.",
    )
    end_precision = models.CharField(
        max_length=5, choices=Precision, blank=True, help_text=PRECISION_HELP
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["person__name", "start_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True)
                | Q(start_on__isnull=True)
                | Q(end_on__gte=F("start_on")),
                name="people_role_ends_after_start",
                violation_error_message="A role cannot end before it starts.",
            ),
            precision_constraint(
                "start_on", "start_precision", name="people_role_start_precision"
            ),
            precision_constraint(
                "end_on", "end_precision", name="people_role_end_precision"
            ),
        ]
        indexes = [
            models.Index(fields=["seniority"], name="people_role_seniority_idx"),
            models.Index(fields=["function"], name="people_role_function_idx"),
            models.Index(fields=["is_founder"], name="people_role_founder_idx"),
            # The roles of one person at one organization: the import's and
            # the log form's look-ups, merges, and the data-quality checks
            # grouping them (at 100 000 roles on SQLite, 80 -> 20 ms).
            models.Index(
                fields=["person", "organization"], name="people_role_person_org_idx"
            ),
        ]

    def __str__(self):
        return f"{self.person.name}, {self.title} at {self.organization.name}"

    def clean(self):
        super().clean()
        errors = clean_partial_date(self, "start") | clean_partial_date(self, "end")
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = "A role cannot end before it starts."
        if errors:
            raise ValidationError(errors)

    @property
    def start(self) -> PartialDate | None:
        return PartialDate.from_db(self.start_on, self.start_precision)

    @property
    def end(self) -> PartialDate | None:
        return PartialDate.from_db(self.end_on, self.end_precision)


class PersonRedirect(models.Model):
    """The slug of a person merged into another, kept so old links still work."""

    old_slug = models.SlugField(max_length=80, db_index=False)
    old_name = models.CharField(max_length=200, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["old_slug"], name="people_personredirect_slug_unique"
            ),
        ]

    def __str__(self):
        return f"{self.old_slug} → {self.person.slug}"


class OrganizationRedirect(models.Model):
    """The slug of an organization merged into another, kept for old links."""

    old_slug = models.SlugField(max_length=80, db_index=False)
    old_name = models.CharField(max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["old_slug"], name="people_organizationredirect_slug_unique"
            ),
        ]

    def __str__(self):
        return f"{self.old_slug} → {self.organization.slug}"
