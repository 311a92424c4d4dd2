from django.urls import path

from departures import views
from departures.feeds import FilteredFeed, OrganizationFeed, PersonFeed
from departures.views.embed import embed
from departures.views.exports import DepartureCSVView, PersonCSVView

app_name = "departures"

urlpatterns = [
    path("", views.TimelineView.as_view(), name="timeline"),
    # Before the detail pattern, which "preview" would match as a slug.
    path(
        "departures/<int:pk>/preview/",
        views.DeparturePreviewView.as_view(),
        name="preview",
    ),
    path(
        "departures/<int:pk>/<slug:slug>/",
        views.DepartureDetailView.as_view(),
        name="detail",
    ),
    path("about/", views.AboutView.as_view(), name="about"),
    path("departures.csv", DepartureCSVView.as_view(), name="csv"),
    path("feed/", FilteredFeed(), name="feed"),
    path("embed/", embed, name="embed"),
    path("people/<slug:slug>/feed/", PersonFeed(), name="person-feed"),
    path(
        "people/<slug:slug>/departures.csv",
        PersonCSVView.as_view(),
        name="person-csv",
    ),
    path(
        "organizations/<slug:slug>/feed/", OrganizationFeed(), name="organization-feed"
    ),
]
