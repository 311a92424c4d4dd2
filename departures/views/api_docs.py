from django.views.generic import TemplateView

from departures.exports import COLUMNS


class ApiDocsView(TemplateView):
    """`/api/`: the API, the CSV, the feeds and the embed, with examples."""

    template_name = "departures/api_docs.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=COLUMNS, **kwargs)
