"""A filtered view in words: “Departures from OpenAI · Ousted · 2024”.

For titles of the feed, the embed and the download links; names of
organizations and tags are looked up among public records only.
"""

from departures.filters import DepartureFilterSet
from departures.models import Tag
from people.models import Organization

_SLUGS = {"organization": Organization, "destination": Organization, "tag": Tag}


def describe_filters(filterset: DepartureFilterSet) -> list[str]:
    """One phrase per active parameter of a valid filterset, in contract order."""
    data = filterset.form.cleaned_data
    phrases = []
    for name, value in data.items():
        if name in filterset.NOT_FILTERS or value in (None, "", []):
            continue
        field = filterset.form.fields[name]
        label = filterset.filters[name].label
        if name == "q":
            phrases.append(f"Search “{value}”")
        elif name in _SLUGS:
            names = dict(
                _SLUGS[name]
                .objects.public()
                .filter(slug__in=value)
                .values_list("slug", "name")
            )
            phrases.append(f"{label}: {', '.join(names.get(v, v) for v in value)}")
        elif name in ("from", "to"):
            phrases.append(f"{label} {value}")
        elif name == "reversed" and value == "include":
            continue
        else:
            choices = dict(field.choices)
            values = value if isinstance(value, list) else [value]
            phrases.append(
                f"{label}: {', '.join(str(choices.get(v, v)) for v in values)}"
            )
    return phrases


def filter_title(filterset: DepartureFilterSet, *, prefix: str = "Departures") -> str:
    phrases = describe_filters(filterset)
    return f"{prefix}: {' · '.join(phrases)}" if phrases else prefix
