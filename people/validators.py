"""Validators shared by the models: web links are http(s) and nothing else.

Django's URLField also accepts ftp and ftps; a link a reader clicks should not
be `javascript:`, `data:` or `ftp:`.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible

http_url = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with https://."
)


@deconstructible
class HttpUrlLines:
    """Every non-blank line of the text is an http(s) URL."""

    def __call__(self, value: str) -> None:
        for number, line in enumerate(value.splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            try:
                http_url(line)
            except ValidationError:
                raise ValidationError(
                    "Line %(number)s is not a web address starting with https://.",
                    code="invalid",
                    params={"number": number},
                ) from None

    def __eq__(self, other):
        return isinstance(other, HttpUrlLines)


http_url_lines = HttpUrlLines()
