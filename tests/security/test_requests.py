"""Request bodies have a size limit, and client errors log one line."""

import logging

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from config.security import OneLineClientErrors

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def test_a_3_mb_upload_to_the_login_page_is_refused(client):
    upload = SimpleUploadedFile("big.bin", b"x" * (3 * MB))
    response = client.post(
        "/admin/login/", {"username": "a", "password": "b", "file": upload}
    )
    assert response.status_code == 400


def test_a_3_mb_form_field_is_refused(client):
    response = client.post("/admin/login/", {"username": "a" * (3 * MB)})
    assert response.status_code == 400


def test_an_oversize_csv_upload_to_the_import_is_refused(admin_client):
    upload = SimpleUploadedFile("big.csv", b"a,b\n" * MB, content_type="text/csv")
    response = admin_client.post(
        "/admin/departures/departure/import/", {"file": upload}
    )
    assert response.status_code == 400


def test_the_body_limit_leaves_room_for_the_2_mb_csv_import():
    from departures.importing import MAX_UPLOAD_BYTES

    assert MAX_UPLOAD_BYTES + 100_000 < settings.REQUEST_MAX_BODY_SIZE


def test_a_bad_request_logs_one_line_without_a_traceback(client, caplog):
    with caplog.at_level(logging.WARNING):
        assert client.get("/?tag=%00").status_code == 400
        assert client.get("/people/?page=999").status_code == 400
        client.get("/", HTTP_HOST="evil.example")
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) >= 3
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    for record in records:
        assert OneLineClientErrors().filter(record)
        assert "\n" not in formatter.format(record)
        assert "Traceback" not in formatter.format(record)


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "boom", None, sys.exc_info()
        )
    record.status_code = 500
    OneLineClientErrors().filter(record)
    assert "Traceback" in logging.Formatter().format(record)
