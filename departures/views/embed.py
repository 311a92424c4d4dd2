"""`/embed/?…`: the filtered timeline without the site around it, for iframes.

Only this view may be framed by other sites: `frameable` lifts
X-Frame-Options and says `frame-ancestors *` for this response alone (the
site-wide default stays DENY).
"""

from functools import wraps

from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import TemplateView

from departures.describing import filter_title
from departures.templatetags.data_out import stable_query
from departures.views.exports import error_lines, published_filterset

EMBED_LENGTH = 50


def frameable(view):
    """Let any site frame `view`'s responses, and no other view's."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = "frame-ancestors *"
        return response

    return xframe_options_exempt(wrapper)


class EmbedView(TemplateView):
    template_name = "departures/embed.html"

    def get(self, request, *args, **kwargs):
        filterset = published_filterset(request)
        query = stable_query(request.GET, keep_page=False)
        full = request.build_absolute_uri(reverse("departures:timeline") + query)
        if not filterset.is_valid():
            context = {"errors": error_lines(filterset), "full_url": full}
            return self.render_to_response(context, status=400)
        departures = filterset.qs
        return self.render_to_response(
            {
                "title": filter_title(filterset),
                "count": departures.count(),
                "departures": departures.with_related()[:EMBED_LENGTH],
                "length": EMBED_LENGTH,
                "full_url": full,
            }
        )


embed = frameable(EmbedView.as_view())
