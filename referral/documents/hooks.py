"""Page helpers of the documents area: category names in the reader's language."""


def register(app):
    from .forms import CATEGORY_LABELS
    app.jinja_env.filters["doc_category"] = lambda code: CATEGORY_LABELS.get(code) or code
