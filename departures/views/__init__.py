from departures.views.about import AboutView
from departures.views.detail import DepartureDetailView
from departures.views.health import healthz
from departures.views.preview import DeparturePreviewView
from departures.views.timeline import TimelineView

__all__ = [
    "AboutView",
    "DepartureDetailView",
    "DeparturePreviewView",
    "TimelineView",
    "healthz",
]
