"""Errors of the API as JSON: `{"errors": {"reason": ["…"]}}` for bad
parameters, `{"detail": "…"}` for anything else."""

from django.http import JsonResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, ValidationError) and not (
        isinstance(exc.detail, dict) and "errors" in exc.detail
    ):
        exc = ValidationError({"errors": exc.detail})
    return drf_exception_handler(exc, context)


class ErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each bad parameter with what is wrong with it.",
    )


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


def not_found(request, rest=""):
    """Any other address under /api/: a JSON 404, like the API's own."""
    return JsonResponse({"detail": "No such address in the API."}, status=404)
