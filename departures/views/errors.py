from django.core.exceptions import BadRequest
from django.shortcuts import render


def bad_request(request, exception=None):
    """A 400 in the site's look; our own BadRequest messages are shown."""
    message = str(exception) if isinstance(exception, BadRequest) else ""
    return render(request, "400.html", {"message": message}, status=400)
