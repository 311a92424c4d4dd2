from django.contrib import admin
from django.urls import include, path

from departures.views import healthz

admin.site.site_header = "Departures administration"
admin.site.site_title = "Departures admin"
admin.site.index_title = "Editorial desk"

handler400 = "departures.views.errors.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include("departures.api.urls")),
    path("", include("people.urls")),
    path("", include("departures.urls")),
]
