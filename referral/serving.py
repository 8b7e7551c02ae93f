"""Reading a request body with a deadline, under gunicorn.

A client that sends its headers and then only part of its body holds the worker (or the
worker thread) that reads it: five such clients used to block all five sync workers until
gunicorn killed them after 30 s, and an ordinary page took 46 s meanwhile. The buffering
reverse proxy that docs/deployment.md puts in front of gunicorn is the real defence (it
reads the whole body before gunicorn sees the request); this is the app's own:

- ``BodyDeadline`` reads a request body whose length is declared (``Content-Length``) before
  the app runs, within ``BODY_READ_TIMEOUT_SECONDS`` in all, and hands the app the bytes.
  A client that is slower than that gets 408 and its connection is closed, so the thread
  is free again after at most that long.
- Together with gthread workers (``bench/serve.sh web``: several threads per worker), one
  slow client holds one thread, not a whole worker, and ordinary requests go on in the
  others.

Only under gunicorn (it gives the socket as ``gunicorn.socket``); bodies without a declared
length and bodies over ``MAX_CONTENT_LENGTH`` are left to the app as they are.
"""
import io
import logging
import time

import orjson
from flask.json.provider import DefaultJSONProvider

logger = logging.getLogger(__name__)
CHUNK = 64 * 1024


class BodyDeadline:
    def __init__(self, wsgi_app, seconds: float, max_length: int | None):
        self.wsgi_app = wsgi_app
        self.seconds = seconds
        self.max_length = max_length

    def __call__(self, environ, start_response):
        sock = environ.get("gunicorn.socket")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if sock is None or length <= 0 or (self.max_length and length > self.max_length):
            return self.wsgi_app(environ, start_response)
        previous = sock.gettimeout()
        deadline = time.monotonic() + self.seconds
        stream, body = environ["wsgi.input"], io.BytesIO()
        try:
            while body.tell() < length:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                sock.settimeout(remaining)
                chunk = stream.read(min(CHUNK, length - body.tell()))
                if not chunk:
                    break  # the client closed early: the app sees a short body
                body.write(chunk)
        except (TimeoutError, OSError):
            sock.settimeout(previous)
            logger.warning("request body not received within %.0f s: 408",
                           self.seconds)
            start_response("408 Request Timeout", [
                ("Content-Type", "application/json"), ("Connection", "close")])
            return [b'{"errors": {"request": ["the request body was not received in time"]}}']
        sock.settimeout(previous)
        body.seek(0)
        environ["wsgi.input"] = body
        return self.wsgi_app(environ, start_response)


def init_app(app):
    app.json = JSONProvider(app)
    seconds = float(app.config.get("BODY_READ_TIMEOUT_SECONDS") or 0)
    if seconds > 0:
        app.wsgi_app = BodyDeadline(app.wsgi_app, seconds,
                                    app.config.get("MAX_CONTENT_LENGTH"))


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON answers, written by orjson.

    The same documents as Flask's own provider (keys sorted; dates, times, dataclasses and
    anything else orjson does not know go through Flask's ``default``, so a date still reads
    as an HTTP date), but written in C: encoding the answer was about 3 % of the service's
    CPU under load. Text is written as UTF-8 rather than with ASCII escapes. A document
    orjson refuses (a string with a lone surrogate, an integer past 64 bits) and any call
    with options of its own go to the standard library, as before."""

    _options = (orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
                | orjson.OPT_PASSTHROUGH_DATACLASS)

    def dumps(self, obj, **kwargs) -> str:
        return self._bytes(obj, kwargs).decode()

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(obj)
        return self._app.response_class(self._bytes(obj, {}) + b"\n", mimetype=self.mimetype)

    def _bytes(self, obj, kwargs) -> bytes:
        if not kwargs:
            try:
                return orjson.dumps(obj, default=self.default, option=self._options)
            except orjson.JSONEncodeError:
                pass
        return super().dumps(obj, **kwargs).encode()
