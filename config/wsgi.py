import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - every view imported before the freeze

# What is loaded by now (Django, the apps, their models, views and URLs) lives
# as long as the process. Frozen, the garbage collector stops walking it on
# every full collection: at 100 000 departures a timeline page allocates
# enough to trigger one every few requests, which cost 7-18 ms a request on
# average and up to 100 ms on the unlucky one (README, Performance).
gc.freeze()
