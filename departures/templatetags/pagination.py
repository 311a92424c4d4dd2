"""The generic `{% pagination page_obj %}` tag, for any paginated list."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/_pagination.html", takes_context=True)
def pagination(context, page_obj, around: int = 2):
    """The first, last and nearby page numbers, None where some are left out.

    The template builds each link with `{% querystring %}`, so the current
    query string is kept and only `page` changes (page 1 drops it).
    """
    if page_obj is None or not page_obj.has_other_pages():
        return {"numbers": []}
    last = page_obj.paginator.num_pages
    wanted = {1, last, *range(page_obj.number - around, page_obj.number + around + 1)}
    numbers, previous = [], 0
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if number - previous > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return {"page_obj": page_obj, "numbers": numbers}
