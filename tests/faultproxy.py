"""A fault-injecting HTTP proxy on 127.0.0.1 in front of moto's server.

For a seeded share of requests it answers what AWS answers under load, in the request's own
protocol so botocore parses it as AWS's: a throttle (``ThrottlingException``, EC2's
``RequestLimitExceeded``, S3's ``SlowDown``, Lambda's ``TooManyRequestsException``), a 500,
a 503, a connection reset before the request reaches moto, or the worst case for a write: the
request reaches moto, is carried out, and its answer is lost (``lost``: the connection is
reset after moto answered).

Faults are bounded: one request (same method, path and body: a retry of the same call) is
faulted at most ``max_in_row`` times in a row, so a client retrying more often than that
always gets through, and at most ``max_faults`` in all. ``script`` injects given faults for
sure, on top of the seeded ones: ``{"StopInstances": ["lost"]}`` loses the answer of the first
StopInstances request (the next ones are left to chance). ``faults`` lists what was injected,
``forwarded`` what reached moto (a write carried out twice shows there twice), ``requests``
the same with each request's path and body (which resources a write named).

    with FaultProxy(moto_url, rate=0.3, seed=7) as proxy:
        ... AWS_ENDPOINT_URL=proxy.url ...
"""
import hashlib
import http.client
import http.server
import json
import random
import re
import threading
import urllib.parse

KINDS = ("throttle", "500", "503", "reset", "lost")
_CREDENTIAL = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/")
_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}


def _protocols():
    import botocore.session
    session = botocore.session.get_session()
    out = {}
    for name in session.get_available_services():
        meta = session.get_service_model(name).metadata
        out.setdefault(meta.get("signingName") or meta.get("endpointPrefix") or name, meta["protocol"])
        out.setdefault(name, meta["protocol"])
    return out


class _Protocols(dict):
    """Signing name -> protocol, read lazily: the service of that name first (loading every
    service model takes seconds), the full table only for a signing name that is not one."""

    def __init__(self):
        super().__init__()
        self._all = None

    def get(self, name, default=None):
        if name not in self:
            import botocore.exceptions
            import botocore.session
            try:
                meta = botocore.session.get_session().get_service_model(name).metadata
                if (meta.get("signingName") or name) == name:
                    self[name] = meta["protocol"]
            except botocore.exceptions.UnknownServiceError:
                pass
            if name not in self:
                if self._all is None:
                    self._all = _protocols()
                self[name] = self._all.get(name, default)
        return super().get(name, default)


class FaultProxy:
    def __init__(self, upstream, rate=0.3, seed=0, kinds=KINDS, max_in_row=2, max_faults=None,
                 only=None, script=None):
        """``only``: a predicate ``(service, operation) -> bool`` limiting which requests may
        be faulted (default: any); ``script``: ``{operation: [kind, ...]}``, the faults of that
        operation's first requests, one each."""
        url = urllib.parse.urlparse(upstream)
        self.upstream = (url.hostname, url.port)
        self.rate, self.kinds = rate, tuple(kinds)
        self.max_in_row, self.max_faults, self.only = max_in_row, max_faults, only
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._in_row = {}
        self._script = {op: list(kinds) for op, kinds in (script or {}).items()}
        self.faults = []        # [{"kind", "service", "operation"}]
        self.forwarded = []     # [(service, operation)] that reached moto
        self.requests = []      # [(service, operation, path, body)], in step with forwarded
        self._protocols = None
        self._server = None

    # -- life cycle ---------------------------------------------------------------------------
    def __enter__(self):
        self._protocols = _Protocols()
        proxy = self

        class Handler(_Handler):
            owner = proxy
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def count(self, operation=None, kind=None):
        """How many faults were injected (of one operation, of one kind)."""
        return sum(1 for f in self.faults if (operation is None or f["operation"] == operation)
                   and (kind is None or f["kind"] == kind))

    def reached(self, operation):
        """How many times moto received ``operation`` (a retried write counts each time)."""
        return sum(1 for _, op in self.forwarded if op == operation)

    # -- decisions ----------------------------------------------------------------------------
    def decide(self, service, operation, fingerprint):
        """The fault to inject for this request, or None (forward it)."""
        with self._lock:
            if self.only is not None and not self.only(service, operation):
                return None
            scripted = self._script.get(operation)
            if scripted:
                kind = scripted.pop(0)
                self._in_row[fingerprint] = self._in_row.get(fingerprint, 0) + 1
                self.faults.append({"kind": kind, "service": service, "operation": operation})
                return kind
            if self.max_faults is not None and len(self.faults) >= self.max_faults:
                return None
            if self._in_row.get(fingerprint, 0) >= self.max_in_row or self._random.random() >= self.rate:
                self._in_row.pop(fingerprint, None)
                return None
            self._in_row[fingerprint] = self._in_row.get(fingerprint, 0) + 1
            kind = self._random.choice(self.kinds)
            self.faults.append({"kind": kind, "service": service, "operation": operation})
            return kind

    def protocol(self, service):
        return self._protocols.get(service, "rest-json")


class _Handler(http.server.BaseHTTPRequestHandler):
    owner = None
    protocol_version = "HTTP/1.1"

    def _body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if not size:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _operation(self, body):
        target = self.headers.get("X-Amz-Target")
        if target:
            return target.rsplit(".", 1)[-1]
        if body and b"Action=" in body[:200]:
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            if form.get("Action"):
                return form["Action"][0]
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        if query.get("Action"):
            return query["Action"][0]
        return f"{self.command} {urllib.parse.urlparse(self.path).path}"

    def handle_any(self):
        body = self._body()
        found = _CREDENTIAL.search(self.headers.get("Authorization") or "")
        service = found.group(1) if found else ""
        operation = self._operation(body)
        fingerprint = hashlib.sha256(f"{self.command} {self.path} ".encode() + body).hexdigest()
        kind = self.owner.decide(service, operation, fingerprint)
        if kind == "reset":
            return self._reset()
        if kind in ("throttle", "500", "503"):
            return self._error(kind, service)
        status, headers, payload = self._forward(body)
        with self.owner._lock:
            self.owner.forwarded.append((service, operation))
            self.owner.requests.append((service, operation, self.path, body))
        if kind == "lost":
            return self._reset()
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in _HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any

    def _forward(self, body):
        conn = http.client.HTTPConnection(*self.owner.upstream, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            if body or self.command in ("POST", "PUT", "PATCH"):
                headers["Content-Length"] = str(len(body))
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()

    def _reset(self):
        self.close_connection = True
        try:
            import socket
            import struct
            # SO_LINGER 0: the client sees a reset, not a clean close
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _error(self, kind, service):
        protocol = self.owner.protocol(service)
        status = {"throttle": 400, "500": 500, "503": 503}[kind]
        code = {"500": "InternalError", "503": "ServiceUnavailable"}.get(kind)
        headers = {}
        if protocol in ("json", "rest-json"):
            if kind == "throttle":
                code = "TooManyRequestsException" if service == "lambda" else "ThrottlingException"
                status = 429 if service == "lambda" else 400
            headers["x-amzn-ErrorType"] = code
            payload = json.dumps({"__type": code, "message": "injected"}).encode()
            headers["Content-Type"] = "application/x-amz-json-1.1"
        elif protocol == "ec2":
            code = code or "RequestLimitExceeded"
            payload = (f"<Response><Errors><Error><Code>{code}</Code><Message>injected</Message>"
                       f"</Error></Errors><RequestID>fault</RequestID></Response>").encode()
        elif protocol == "rest-xml":
            if kind == "throttle":
                code, status = "SlowDown", 503
            payload = (f"<Error><Code>{code}</Code><Message>injected</Message>"
                       f"<RequestId>fault</RequestId></Error>").encode()
        else:   # query
            code = code or "Throttling"
            payload = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
                       f"<Message>injected</Message></Error><RequestId>fault</RequestId>"
                       f"</ErrorResponse>").encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass
