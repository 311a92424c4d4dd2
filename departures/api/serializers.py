"""What the API shows of a published departure, a person and an organization.

Dates come with their precision: `{"date": "2024-05", "precision": "month",
"start": "2024-05-01", "end": "2024-05-31"}`.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from departures.exports import voluntary
from departures.models import Departure, Source
from people.dates import Precision
from people.models import Organization, Person, Role


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteURLField(serializers.Field):
    """The object's page on the site, as an absolute URL."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


class PartialDateSerializer(serializers.Serializer):
    date = serializers.CharField(
        source="isoformat",
        help_text="As known: YYYY, YYYY-MM or YYYY-MM-DD.",
    )
    precision = serializers.ChoiceField(choices=Precision.choices)
    start = serializers.DateField(help_text="The first day of the period.")
    end = serializers.DateField(help_text="The last day of the period.")


class OrganizationRefSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField()

    class Meta:
        model = Organization
        fields = ["name", "slug", "url"]


class PersonRefSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField()

    class Meta:
        model = Person
        fields = ["name", "slug", "url"]


class RoleSerializer(serializers.ModelSerializer):
    founder = serializers.BooleanField(source="is_founder")

    class Meta:
        model = Role
        fields = ["title", "seniority", "function", "founder"]


class SourceSerializer(serializers.Serializer):
    url = serializers.URLField(source="source.url")
    title = serializers.CharField(source="source.title")
    publisher = serializers.CharField(source="source.publisher")
    published = PartialDateSerializer(source="source.published", allow_null=True)
    kind = serializers.ChoiceField(source="source.kind", choices=Source.Kind.choices)
    archived_url = serializers.CharField(
        source="source.archived_url", help_text="Empty when none is recorded."
    )
    quote = serializers.CharField(help_text="The passage that backs this departure.")


class TagSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class DepartureSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField()
    person = PersonRefSerializer(source="role.person")
    organization = OrganizationRefSerializer(source="role.organization")
    role = RoleSerializer()
    announced = PartialDateSerializer()
    effective = PartialDateSerializer(allow_null=True)
    voluntary = serializers.SerializerMethodField(
        help_text="“false” for involuntary departures, “undisclosed” when no "
        "reason was given, else “true”: the values of the `voluntary` filter."
    )
    involuntary = serializers.BooleanField(source="is_involuntary")
    disputed = serializers.BooleanField(source="is_disputed")
    destination = OrganizationRefSerializer(allow_null=True)
    successor = PersonRefSerializer(allow_null=True)
    tags = TagSerializer(many=True)
    sources = SourceSerializer(source="citations", many=True)

    class Meta:
        model = Departure
        fields = [
            "id",
            "url",
            "person",
            "organization",
            "role",
            "announced",
            "effective",
            "reason",
            "voluntary",
            "involuntary",
            "stated_reason",
            "context",
            "disputed",
            "disputed_note",
            "destination",
            "destination_title",
            "successor",
            "status",
            "reversed_on",
            "reversal_note",
            "tags",
            "sources",
            "published_at",
            "updated_at",
        ]

    @extend_schema_field(
        serializers.ChoiceField(choices=["true", "false", "undisclosed"])
    )
    def get_voluntary(self, departure) -> str:
        return voluntary(departure)


class PersonSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField()
    links = serializers.ListField(child=serializers.URLField(), source="link_list")
    departures = DepartureSerializer(many=True, source="public_departures")

    class Meta:
        model = Person
        fields = ["name", "slug", "url", "bio", "wikidata_id", "links", "departures"]


class OrganizationSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField()
    departure_count = serializers.IntegerField(
        help_text="Published departures from this organization."
    )
    departures = serializers.SerializerMethodField(
        help_text="Its departures in the API: /api/departures?organization=<slug>."
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "slug",
            "url",
            "website",
            "wikidata_id",
            "description",
            "departure_count",
            "departures",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_departures(self, organization) -> str:
        path = reverse("api:departure-list") + f"?organization={organization.slug}"
        return self.context["request"].build_absolute_uri(path)
