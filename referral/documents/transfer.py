"""Files in and out over HTTP: the size checked before the body is read where the client
says its size, and content streamed back one chunk at a time."""
from urllib.parse import quote

from flask import Response, request, stream_with_context

from . import service

# Room for the multipart envelope and the form's other fields around the file.
ENVELOPE = 1024 * 1024


def uploaded_file():
    """The uploaded file (a spooled temporary file: large files go to disk, not memory),
    or None. A body larger than the limit is refused with 413 before it is parsed when its
    length is declared, and cut off by Werkzeug (413) when it is not."""
    limit = service.max_bytes() + ENVELOPE
    if request.content_length is not None and request.content_length > limit:
        raise service.too_large()
    request.max_content_length = limit
    storage = request.files.get("file")
    if storage is None or not storage.filename and storage.stream is None:
        return None
    return storage


def send(version, chunks) -> Response:
    """Stream a version back: attachment, its real type, its size, never cached."""
    filename = version.filename or "document"
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_") \
        .replace('"', "_")
    response = Response(stream_with_context(chunks), mimetype=version.content_type,
                        direct_passthrough=True)
    response.headers["Content-Length"] = str(version.size_bytes)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
