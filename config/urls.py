from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from departures.sitemaps import SITEMAPS
from departures.views import healthz
from departures.views.seo import robots_txt

admin.site.site_header = "Departures administration"
admin.site.site_title = "Departures admin"
admin.site.index_title = "Editorial desk"

handler400 = "departures.views.errors.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include("departures.api.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("people.urls")),
    path("", include("departures.urls")),
]
