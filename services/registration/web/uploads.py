"""The file an import endpoint is sent: the multipart field ``file``, or the request body."""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from shared.errors import DomainError

from ..imports import MAX_FILE_BYTES


def uploaded_file() -> bytes:
    """The uploaded bytes; 413 over ``MAX_FILE_BYTES``, 422 naming ``file`` when there are none."""
    upload = request.files.get("file")
    raw = upload.read(MAX_FILE_BYTES + 1) if upload is not None else request.get_data()
    if len(raw) > MAX_FILE_BYTES:
        raise RequestEntityTooLarge(f"The file is larger than {MAX_FILE_BYTES} bytes.")
    if not raw:
        raise DomainError(
            "invalid_csv",
            "Send the CSV as the file field 'file' or as the request body.",
            kind="invalid",
            errors={"file": ["Missing data for required field."]},
        )
    return raw
