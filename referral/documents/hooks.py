"""App wiring of the documents area: the upload size checked before any body is read, and
category names for the pages."""
from flask import request

UPLOAD_ENDPOINTS = frozenset({"documents.case_documents", "documents.new_version",
                              "api-documents.CaseDocuments", "api-documents.Versions"})


def limit_upload_size():
    """Before anything reads the body (the CSRF check, the NUL check): a declared body over
    the limit is refused at once with 413 naming the limit; an undeclared one (chunked) is
    cut off by Werkzeug at the same size."""
    if request.endpoint not in UPLOAD_ENDPOINTS or request.method != "POST":
        return
    from . import service, transfer
    limit = service.max_bytes() + transfer.ENVELOPE
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        error = service.too_large()
        error.undone = True  # nothing was started
        raise error


def register(app):
    from .forms import CATEGORY_LABELS
    app.jinja_env.filters["doc_category"] = lambda code: CATEGORY_LABELS.get(code) or code
    app.before_request_funcs.setdefault(None, []).insert(0, limit_upload_size)
