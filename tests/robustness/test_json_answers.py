"""The API's JSON answers: written by orjson (referral/serving.py), the same documents as
Flask's own encoder would give."""
import json
import uuid
from datetime import date, datetime, timezone

from flask.json.provider import DefaultJSONProvider

from referral.serving import JSONProvider


def test_the_app_answers_with_the_fast_provider(app):
    assert isinstance(app.json, JSONProvider)


def test_an_answer_is_the_document_flasks_encoder_gives(app):
    body = {"b": [1, 2.5, None, True], "a": {"when": datetime(2026, 12, 2, 9, 30,
                                                             tzinfo=timezone.utc),
                                            "day": date(2026, 12, 2), "id": uuid.UUID(int=7)},
            "name": "Zoë Łukasik", "آمنة": "ممتاز"}
    with app.app_context():
        ours = app.json.response(body)
        standard = DefaultJSONProvider(app).dumps(body)
    assert ours.mimetype == "application/json"
    assert json.loads(ours.get_data()) == json.loads(standard)
    assert ours.get_data().decode().strip() == json.dumps(
        json.loads(standard), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def test_text_orjson_refuses_is_still_answered(app):
    """A lone surrogate (which no UTF-8 document can hold) goes to the standard library,
    which escapes it, instead of failing the request."""
    with app.app_context():
        answer = app.json.response({"text": "\ud800"})
    assert json.loads(answer.get_data()) == {"text": "\ud800"}


def test_a_real_answer_carries_non_ascii_text_as_utf8(client, caseworker, cw_headers):
    body = {"person": {"given_name": "Zoë"}, "referred_by": "Ligne d'écoute"}
    response = client.post("/api/v1/cases", headers=cw_headers, json=body)
    assert response.status_code == 201, response.get_json()
    assert "Zoë".encode() in response.get_data()
    assert response.get_json()["person"]["given_name"] == "Zoë"
