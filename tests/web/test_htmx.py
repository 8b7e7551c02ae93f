"""htmx is vendored, pinned and served from our origin, with the history cache off."""
import hashlib
import json
import re
from pathlib import Path

from tests.web.conftest import login

VENDORED = Path(__file__).resolve().parents[2] / "referral/static/vendor/htmx-2.0.11.min.js"
PINNED_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"


def test_the_vendored_htmx_is_the_pinned_file():
    assert hashlib.sha256(VENDORED.read_bytes()).hexdigest() == PINNED_SHA256


def test_pages_load_htmx_from_our_origin_with_history_cache_off(client, caseworker):
    login(client, "caseworker")
    page = client.get("/").get_data(as_text=True)
    assert '<script src="/static/vendor/htmx-2.0.11.min.js" defer></script>' in page
    config = json.loads(re.search(r"name=\"htmx-config\" content='([^']+)'", page).group(1))
    assert config["historyCacheSize"] == 0 and config["allowEval"] is False
    assert config["selfRequestsOnly"] is True
    assert "<script>" not in page  # no inline script: the CSP allows none
    assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200
