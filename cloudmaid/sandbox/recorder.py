"""WSGI middleware around moto's server: every request any client sends is seen here.

Each request is read back as the API call it is (wire.py) before moto answers it; calls moto
cannot answer the way AWS does (CloudTrail's LookupEvents, Config's evaluations) are answered
by the lab instead; then every mutating call, failed ones too, goes to the lab, which records
it as CloudTrail would and queues its events for delivery. ``/_maid/...`` is the sandbox's
own control path (``maid sandbox fire``). The sandbox's own calls pass through unrecorded.
"""
import io
import json
import logging
import urllib.parse

from werkzeug.datastructures import EnvironHeaders

from . import wire

log = logging.getLogger("cloudmaid.sandbox")
CONTROL = "/_maid/"


def _body(environ):
    stream = environ.get("wsgi.input")
    length = environ.get("CONTENT_LENGTH")
    if stream is None:
        return b""
    if length:
        data = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        data = stream.read()
    else:
        return b""
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    return data


def _raw_path(environ):
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        raw = raw.split("?", 1)[0]
        if raw.startswith(("http://", "https://")):   # an absolute request line (proxies)
            raw = urllib.parse.urlsplit(raw).path
        return raw
    return urllib.parse.quote(environ.get("PATH_INFO", "/"))


def _respond(start_response, status, headers, body):
    headers = list(headers)
    if not any(k.lower() == "content-length" for k, _ in headers):   # moto's stays (HEAD)
        headers.append(("Content-Length", str(len(body))))
    start_response(status, headers)
    return [body]


def json_response(data, status=200, content_type="application/x-amz-json-1.1"):
    """(status line, headers, body) for a JSON answer; ``data`` may hold datetimes (sent as
    epoch seconds, the json protocols' timestamps)."""
    body = json.dumps(data, default=lambda v: v.timestamp()).encode()
    line = {200: "200 OK", 400: "400 Bad Request", 404: "404 Not Found"}.get(status, f"{status} X")
    return line, [("Content-Type", content_type)], body


def json_error(code, message, status=400):
    return json_response({"__type": code, "message": message}, status)


def not_implemented(protocol, message):
    """(status line, headers, body) of a ``NotImplemented`` error in ``protocol``'s shape."""
    from xml.sax.saxutils import escape
    status = "501 Not Implemented"
    if protocol in ("json", "rest-json"):
        line, headers, body = json_response({"__type": "NotImplemented", "message": message})
        return status, headers + [("x-amzn-ErrorType", "NotImplemented")], body
    error = f"<Code>NotImplemented</Code><Message>{escape(message)}</Message>"
    body = {"ec2": f"<Response><Errors><Error>{error}</Error></Errors><RequestID>sandbox</RequestID></Response>",
            "query": f"<ErrorResponse><Error><Type>Sender</Type>{error}</Error>"
                     "<RequestId>sandbox</RequestId></ErrorResponse>"}.get(protocol, f"<Error>{error}</Error>")
    return status, [("Content-Type", "text/xml")], body.encode()


class Recorder:
    def __init__(self, app, lab=None):
        self.app = app
        self.lab = lab          # None: pass everything through (while the sandbox sets up)

    def __call__(self, environ, start_response):
        if self.lab is None:
            return self.app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        body = _body(environ)
        if path.startswith(CONTROL):
            return _respond(start_response, *self.lab.control(
                path[len(CONTROL):], environ.get("REQUEST_METHOD"), body))
        call = caller = None
        try:
            call = wire.read(environ.get("REQUEST_METHOD", "GET"), _raw_path(environ),
                             environ.get("QUERY_STRING", ""), EnvironHeaders(environ), body,
                             environ.get("REMOTE_ADDR", "127.0.0.1"))
            caller = self.lab.identities.caller(call.access_key) if call else None
        except Exception:   # never let reading a request stop moto from answering it
            log.exception("sandbox: cannot read %s %s", environ.get("REQUEST_METHOD"), path)
        if caller is None:
            return _respond(start_response, *self._run(environ, call))
        answer = self.lab.intercept(call)
        status, headers, out = answer or self._run(environ, call)
        try:
            self.lab.record(call, caller, int(status.split()[0]), headers, out)
        except Exception:
            log.exception("sandbox: cannot record %s", call.name)
        return _respond(start_response, status, headers, out)

    def _run(self, environ, call=None):
        """moto's answer, whole (the client gets it once it has been recorded)."""
        seen, chunks = {}, []

        def start_response(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return chunks.append

        try:
            result = self.app(environ, start_response)
        except NotImplementedError as e:
            # an action moto lacks: AWS's error shape for it, not a server traceback (and
            # not a 500, which clients would retry)
            log.info("sandbox: %s", e)
            return not_implemented(call.service.protocol if call else "json", str(e))
        try:
            for chunk in result:
                chunks.append(chunk)
        finally:
            if hasattr(result, "close"):
                result.close()
        return seen["status"], seen["headers"], b"".join(chunks)
