from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from departures.api import views
from departures.api.errors import not_found
from departures.views.api_docs import ApiDocsView

app_name = "api"

urlpatterns = [
    path("", ApiDocsView.as_view(), name="docs"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("departures", views.DepartureList.as_view(), name="departure-list"),
    path(
        "departures/<int:pk>", views.DepartureDetail.as_view(), name="departure-detail"
    ),
    path("people/<slug:slug>", views.PersonDetail.as_view(), name="person-detail"),
    path(
        "organizations/<slug:slug>",
        views.OrganizationDetail.as_view(),
        name="organization-detail",
    ),
    # Last: whatever else is asked under /api/ answers in JSON too.
    path("<path:rest>", not_found),
]
