from django.urls import path

from departures import views

app_name = "departures"

urlpatterns = [
    path("", views.TimelineView.as_view(), name="timeline"),
    path(
        "departures/<int:pk>/<slug:slug>/",
        views.DepartureDetailView.as_view(),
        name="detail",
    ),
    path(
        "departures/<int:pk>/preview/",
        views.DeparturePreviewView.as_view(),
        name="preview",
    ),
    path("about/", views.AboutView.as_view(), name="about"),
]
