"""Links out of a page: CSV, JSON and Atom of its view, canonical address."""

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from departures.filters import DepartureFilterSet

register = template.Library()

_ORDER = {name: n for n, name in enumerate(DepartureFilterSet.base_filters)}


def stable_query(params: QueryDict, *, keep_page: bool = True) -> str:
    """`params` in a stable order: the contract's order (others alphabetically
    after it), values sorted, empty values dropped, `page` only when > 1."""
    query = QueryDict(mutable=True)
    for name in sorted(params, key=lambda n: (_ORDER.get(n, len(_ORDER)), n)):
        values = sorted({v for v in params.getlist(name) if v.strip()})
        if name == "page" and (not keep_page or values in ([], ["1"])):
            continue
        if values:
            query.setlist(name, values)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    request = context["request"]
    return request.build_absolute_uri(request.path + stable_query(request.GET))


@register.simple_tag(takes_context=True)
def view_query(context) -> str:
    """The current filter parameters, without `page`, for links out."""
    return stable_query(context["request"].GET, keep_page=False)


@register.inclusion_tag("includes/_data_links.html", takes_context=True)
def data_links(context, count, *, person=None, organization=None):
    """“Download these N departures as CSV · JSON · Atom” for the current view."""
    if person is not None:
        csv = reverse("departures:person-csv", kwargs={"slug": person.slug})
        json = reverse("api:person-detail", kwargs={"slug": person.slug})
        atom = reverse("departures:person-feed", kwargs={"slug": person.slug})
    elif organization is not None:
        query = f"?organization={organization.slug}"
        csv = reverse("departures:csv") + query
        json = reverse("api:departure-list") + query
        atom = reverse(
            "departures:organization-feed", kwargs={"slug": organization.slug}
        )
    else:
        query = view_query(context)
        csv = reverse("departures:csv") + query
        json = reverse("api:departure-list") + query
        atom = reverse("departures:feed") + query
    return {"count": count, "csv": csv, "json": json, "atom": atom}


@register.simple_tag(takes_context=True)
def feed_url(context, *, person=None, organization=None) -> str:
    if person is not None:
        return reverse("departures:person-feed", kwargs={"slug": person.slug})
    if organization is not None:
        return reverse(
            "departures:organization-feed", kwargs={"slug": organization.slug}
        )
    return reverse("departures:feed") + view_query(context)


_BIBTEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "%": r"\%",
        "&": r"\&",
        "#": r"\#",
        "_": r"\_",
        "$": r"\$",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)


def _bib(value) -> str:
    """`value` safe inside a BibTeX field's braces."""
    return " ".join(str(value).split()).translate(_BIBTEX)


@register.inclusion_tag("includes/_cite.html", takes_context=True)
def cite(context, departure):
    """“Cite this record”: plain text and BibTeX, retrieved today."""
    url = canonical_url(context)
    today = timezone.localdate()
    role = departure.role
    title = f"{role.person.name} left {role.organization.name} ({departure.announced})"
    plain = (
        f"Departures, “{title}”, {url}, retrieved {today:%-d %B %Y}. "
        "Data licence: CC BY 4.0."
    )
    fields = [
        ("author", "{Departures}"),
        ("title", _bib(title)),
        ("howpublished", rf"\url{{{url}}}"),
        ("year", str(departure.announced.start.year)),
        ("urldate", today.isoformat()),
        ("note", f"Data licence CC BY 4.0. Retrieved {today:%-d %B %Y}"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return {"plain": plain, "bibtex": f"@misc{{departures-{departure.pk},\n{body}\n}}"}


@register.simple_tag(takes_context=True)
def embed_code(context) -> str:
    """The iframe another site pastes to show the current view."""
    request = context["request"]
    src = request.build_absolute_uri(reverse("departures:embed") + view_query(context))
    return (
        f'<iframe src="{escape(src)}" title="Departures" width="100%" height="600" '
        'loading="lazy"></iframe>'
    )
