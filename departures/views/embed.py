"""`/embed/?…`: the filtered timeline without the site around it, for iframes.

Only this view may be framed by other sites: `allow_framing` lifts
X-Frame-Options and CSP's `frame-ancestors 'none'` for this view alone (the
site-wide default stays DENY).
"""

from django.urls import reverse
from django.views.generic import TemplateView

from config.security import allow_framing
from departures.describing import filter_title
from departures.templatetags.data_out import stable_query
from departures.views.exports import error_lines, published_filterset

EMBED_LENGTH = 50


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


embed = allow_framing(EmbedView.as_view())
