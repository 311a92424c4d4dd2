from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path(
        "organizations/",
        views.OrganizationListView.as_view(),
        name="organization-list",
    ),
    path(
        "organizations/<slug:slug>/",
        views.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
]
