import datetime

import factory
from django.utils import timezone

from departures.models import Citation, Departure, Source, Tag
from people.models import Organization, Person, Role


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = "Chief Executive Officer"
    seniority = Role.Seniority.C_SUITE
    function = Role.Function.EXECUTIVE


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.example.com/story-{n}")
    title = factory.Sequence(lambda n: f"Story {n}")
    publisher = "Example News"
    kind = Source.Kind.PRESS


class DepartureFactory(factory.django.DjangoModelFactory):
    """A published departure with one source, unless told otherwise."""

    class Meta:
        model = Departure
        skip_postgeneration_save = True

    role = factory.SubFactory(RoleFactory)
    announced_on = factory.Sequence(
        lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n)
    )
    announced_precision = "day"
    reason = Departure.Reason.RESIGNED
    status = Departure.Status.CONFIRMED
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(published_at=None)

    @factory.post_generation
    def cited(self, create, extracted, **kwargs):
        if create and extracted is not False:
            CitationFactory(departure=self)


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    departure = factory.SubFactory(DepartureFactory, cited=False)
    source = factory.SubFactory(SourceFactory)


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user; pass groups=["Editors"] or ["Publishers"] to give a role."""

    class Meta:
        model = "auth.User"
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        for name in extracted or ():
            self.groups.add(Group.objects.get(name=name))


def departure_form_data(departure, **overrides) -> dict:
    """POST data for the departure change form, with its citation inline."""
    citations = list(departure.citations.all())
    latest = departure.history.order_by("-history_id").first()
    data = {
        # The version the form was opened at (optimistic concurrency).
        "version": latest.history_id if latest else "",
        "role": departure.role_id,
        "announced": departure.announced.isoformat(),
        "effective": departure.effective.isoformat() if departure.effective else "",
        "reason": departure.reason,
        "stated_reason": departure.stated_reason,
        "context": departure.context,
        "disputed_note": departure.disputed_note,
        "destination_title": departure.destination_title,
        "status": departure.status,
        "reversal_note": departure.reversal_note,
        "citations-TOTAL_FORMS": len(citations),
        "citations-INITIAL_FORMS": len(citations),
        "citations-MIN_NUM_FORMS": 0,
        "citations-MAX_NUM_FORMS": 1000,
    }
    for n, citation in enumerate(citations):
        data[f"citations-{n}-id"] = citation.pk
        data[f"citations-{n}-departure"] = departure.pk
        data[f"citations-{n}-source"] = citation.source_id
        data[f"citations-{n}-quote"] = citation.quote
    data.update(overrides)
    return data
