from django.urls import path

from departures import views

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
]
