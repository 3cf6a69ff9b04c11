"""Upload and download helpers shared by every feature."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import Response, stream_with_context
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from qframe.csvio import iter_csv
from qframe.errors import ValidationFailed


def read_upload(
    upload: FileStorage | None, *, allowed: tuple[str, ...] = (".csv",)
) -> tuple[str, bytes]:
    """The upload's safe file name and bytes; a missing or wrongly named file is refused."""
    if upload is None or not upload.filename:
        raise ValidationFailed("Choose a file to upload")
    name = secure_filename(upload.filename) or "upload"
    if not name.lower().endswith(allowed):
        raise ValidationFailed(f"Only {', '.join(allowed)} files are accepted, not {name}")
    return name, upload.read()


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    """A CSV attachment with formula-injection protection on every text cell, streamed a batch
    of rows at a time: with `rows` a generator (a database cursor), memory stays constant and
    the first bytes leave before the last row is read. The request (and its database session)
    lasts until the stream ends."""
    return Response(
        stream_with_context(iter_csv(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{secure_filename(filename)}"'},
    )
