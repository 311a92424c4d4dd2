import re

from django.core.paginator import Paginator
from django.template import RequestContext, Template
from django.test import RequestFactory


def render(query: str, number: int, *, items: int = 200) -> str:
    request = RequestFactory().get(f"/?{query}")
    page = Paginator(range(items), 10).page(number)
    template = Template("{% load pagination %}{% pagination page %}")
    return template.render(RequestContext(request, {"page": page}))


def hrefs(html: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]*)"', html)]


def test_page_links_keep_the_filters_and_page_one_drops_the_page_parameter():
    html = render("reason=ousted&tag=a&page=2", 2)

    assert hrefs(html) == [
        "?reason=ousted&tag=a",  # previous: page 1
        "?reason=ousted&tag=a",
        "?reason=ousted&tag=a&page=2",
        "?reason=ousted&tag=a&page=3",
        "?reason=ousted&tag=a&page=4",
        "?reason=ousted&tag=a&page=20",
        "?reason=ousted&tag=a&page=3",  # next
    ]
    assert 'aria-current="page"' in html


def test_far_pages_are_left_out_with_a_gap():
    html = render("page=10", 10)

    numbers = re.findall(r"</span>(\d+)</a>", html)
    assert numbers == ["1", "8", "9", "10", "11", "12", "20"]
    assert html.count('class="gap"') == 2


def test_a_single_page_has_no_page_links():
    assert render("", 1, items=5).strip() == ""
