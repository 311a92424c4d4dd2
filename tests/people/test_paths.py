"""people/paths.py: the paths path() joins are the ones reverse() builds,
under any script prefix, and what it cannot vouch for goes to reverse()."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from people.paths import path


@pytest.fixture(
    params=["/", "/sub/app/", "/with space/"],
    ids=["root", "under a prefix", "a prefix reverse() quotes"],
)
def prefix(request):
    set_script_prefix(request.param)
    yield request.param
    set_script_prefix("/")


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("departures:timeline", {}),
        ("people:person-detail", {"slug": "ada-example"}),
        ("people:organization-detail", {"slug": "x"}),
        ("departures:detail", {"pk": 7, "slug": "ada-example-labs"}),
        ("departures:detail", {"slug": "a_b-9", "pk": "12"}),
    ],
)
def test_path_is_what_reverse_builds(prefix, name, kwargs):
    assert path(name, **kwargs) == reverse(name, kwargs=kwargs)
    assert path(name, **kwargs).startswith(prefix.replace(" ", "%20"))


@pytest.mark.parametrize(
    "kwargs",
    [{"slug": "ölund"}, {"slug": "a/b"}, {"slug": ""}, {"slug": "a\n"}],
    ids=["not ASCII", "a slash", "empty", "a newline"],
)
def test_an_argument_the_route_refuses_is_refused_as_reverse_refuses_it(kwargs):
    with pytest.raises(NoReverseMatch):
        path("people:person-detail", **kwargs)
