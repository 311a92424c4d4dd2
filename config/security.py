"""Request hygiene and security headers shared by every view.

One place decides what a well-formed request is, before any view or query
sees it, so that both databases answer the same way:

- a body larger than ``REQUEST_MAX_BODY_SIZE`` (by its Content-Length) is
  refused before it is read, files included (Django itself only counts the
  non-file fields against ``DATA_UPLOAD_MAX_MEMORY_SIZE``);
- a path or query parameter holding a control character (NUL above all, which
  PostgreSQL refuses in text) is a 400;
- a query parameter longer than ``QUERY_MAX_VALUE_LENGTH`` characters, or
  repeated more than ``QUERY_MAX_VALUES`` times, is a 400. Django already caps
  the number of parameters at ``DATA_UPLOAD_MAX_NUMBER_FIELDS``.

The filter contract (departures/filters.py) applies the same rules through
`check_text` and `check_values`, so a format that builds its own FilterSet
from other data inherits them.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable

from csp.decorators import csp_replace
from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import JsonResponse
from django.views.decorators.clickjacking import xframe_options_exempt


def has_control_character(text: str) -> bool:
    """True if `text` holds a C0/C1 control character (NUL, ESC, DEL, …)."""
    return any(unicodedata.category(char) == "Cc" for char in text)


def check_text(text: str, *, max_length: int | None = None) -> None:
    """Raise ValidationError for a control character or an over-long value."""
    if has_control_character(text):
        raise ValidationError(
            "Control characters are not allowed.", code="control_character"
        )
    limit = max_length or settings.QUERY_MAX_VALUE_LENGTH
    if len(text) > limit:
        raise ValidationError(
            f"A value is at most {limit} characters.", code="max_length"
        )


def check_values(values: Iterable[str], *, max_length: int | None = None) -> None:
    """`check_text` on each value, and at most ``QUERY_MAX_VALUES`` of them."""
    values = list(values)
    if len(values) > settings.QUERY_MAX_VALUES:
        raise ValidationError(
            f"At most {settings.QUERY_MAX_VALUES} values can be chosen at once.",
            code="max_values",
        )
    for value in values:
        check_text(value, max_length=max_length)


# Paths whose errors are JSON bodies, not the site's HTML error page.
JSON_PATHS = ("/api/",)


class RequestLimitsMiddleware:
    """Refuse oversized bodies and malformed query strings with a 400."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request):
        try:
            self.check_body_size(request)
            self.check_path(request)
            self.check_query(request)
        except (BadRequest, SuspiciousOperation) as error:
            if not request.path.startswith(JSON_PATHS):
                raise  # handler400: the site's error page, logged in one line
            # The JSON API answers in JSON, naming the parameter at fault.
            name = getattr(error, "parameter", "__all__")
            return JsonResponse({"errors": {name: [str(error)]}}, status=400)
        return self.get_response(request)

    @staticmethod
    def check_body_size(request) -> None:
        limit = settings.REQUEST_MAX_BODY_SIZE
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            raise BadRequest("The Content-Length header is not a number.") from None
        if limit is not None and length > limit:
            raise RequestDataTooBig(
                f"Request body of {length} bytes exceeds {limit} bytes."
            )

    @staticmethod
    def check_path(request) -> None:
        if has_control_character(request.path):
            raise BadRequest("The address holds a control character.")

    @staticmethod
    def check_query(request) -> None:
        # Reading request.GET enforces DATA_UPLOAD_MAX_NUMBER_FIELDS.
        for name, values in request.GET.lists():
            try:
                check_text(name, max_length=100)
                check_values(values)
            except ValidationError as error:
                shown = "".join(c for c in name[:100] if not has_control_character(c))
                bad = BadRequest(f"Parameter “{shown}”: {error.messages[0]}")
                bad.parameter = shown
                raise bad from None


# Headers every response carries, static files included. The middleware sets
# them on views; whitenoise calls `static_file_headers` for the files it serves.
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def static_file_headers(headers, path: str, url: str) -> None:
    """WHITENOISE_ADD_HEADERS_FUNCTION: the security headers of every page."""
    for name, value in STATIC_HEADERS.items():
        headers[name] = value


def allow_framing(view: Callable) -> Callable:
    """Let any site frame this view (for the embed): lifts both
    X-Frame-Options and CSP's ``frame-ancestors 'none'``, for this view only.

        @allow_framing
        def embed(request): ...

    For a class-based view: ``path("embed/", allow_framing(EmbedView.as_view()))``.
    """
    return csp_replace({"frame-ancestors": ["*"]})(xframe_options_exempt(view))


def client_ip(request) -> str | None:
    """The client's address for django-axes.

    REMOTE_ADDR, unless the app runs behind ``TRUSTED_PROXY_COUNT`` proxies that
    each append to X-Forwarded-For: then the address the outermost proxy saw.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip()
        for part in request.headers.get("x-forwarded-for", "").split(",")
        if part.strip()
    ]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout(request, credentials=None, *args, **kwargs):
    """AXES_LOCKOUT_CALLABLE: the lockout page in the site's look, status 429."""
    from django.shortcuts import render  # noqa: PLC0415 - only on a lockout

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        wait = f"{hours} hour{'' if hours == 1 else 's'}"
    else:
        wait = f"{minutes} minute{'' if minutes == 1 else 's'}"
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "wait": wait}
    return render(request, "lockout.html", context, status=429)


class OneLineClientErrors(logging.Filter):
    """Log an expected client error (4xx, SuspiciousOperation) as one line.

    A bad parameter or a forged Host is the client's mistake: the message says
    what happened; a traceback would only bury the server's real errors.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        client_error = status is not None and 400 <= status < 500
        if client_error or record.name.startswith("django.security."):
            record.exc_info = None
            record.exc_text = None
        return True
