"""Every request that reaches moto, as ``(service, Operation)``, from moto's own request recorder.

moto's recorder (``moto.moto_api.recorder``) logs the raw HTTP requests it serves; the operation
is read back from the request the way AWS routes it: ``Action=`` for the query protocol (EC2,
STS, IAM), ``X-Amz-Target`` for JSON, and the method and URI template of botocore's model for
REST services (S3, Lambda). A request whose operation cannot be told counts as a write: a
safety check fails closed.
"""
import base64
import contextlib
import json
import re
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

import botocore.session

#: operation name prefixes of read-only calls (AWS's naming convention). Deliberately tight:
#: Generate* is out (GenerateCredentialReport creates a report), and so are Filter*/Query/Scan,
#: which nothing here calls.
READ_PREFIXES = ("Describe", "List", "Get", "Head", "Lookup", "BatchGet", "Search", "Simulate")
UNKNOWN = "?"

_botocore = botocore.session.get_session()
_models = {}


class Call(NamedTuple):
    service: str
    operation: str
    text: str   # the URL and body as sent: which resources the call names

    def __repr__(self):
        return f"{self.service}.{self.operation}"


def is_write(operation):
    return not operation.startswith(READ_PREFIXES)


def writes(calls):
    return [c for c in calls if is_write(c.operation)]


@contextlib.contextmanager
def recording(path):
    """Record the requests moto serves inside the block; yields a list filled on exit."""
    from moto.moto_api import recorder
    old = recorder._location   # the recorder's file: the default is ./moto_recording
    recorder._location = str(path)
    recorder.reset_recording()
    recorder.start_recording()
    calls = []
    try:
        yield calls
    finally:
        recorder.stop_recording()
        calls.extend(operation(json.loads(line))
                     for line in recorder.download_recording().splitlines() if line.strip())
        recorder._location = old


def operation(entry):
    """A recorder entry -> ``Call(service, Operation, text)``; the operation is ``?`` when
    unknown."""
    headers = {k.lower(): v for k, v in (entry.get("headers") or {}).items()}
    scope = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", headers.get("authorization", ""))
    service = scope.group(1) if scope else UNKNOWN
    target = headers.get("x-amz-target")
    url = urlsplit(entry["url"])
    if service == "s3" and ".s3-control." in (url.hostname or ""):   # S3 Control signs as s3
        service = "s3control"
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    text = unquote(entry["url"]) + "\n" + unquote(body)
    if target:
        return Call(service, target.rsplit(".", 1)[-1], text)
    params = parse_qs(url.query, keep_blank_values=True)
    if "Action" not in params and "Action=" in body:
        params.update(parse_qs(body, keep_blank_values=True))
    if "Action" in params:
        return Call(service, params["Action"][0], text)
    return Call(service, rest_operation(service, entry["method"], url, params, headers), text)


#: signing names (the credential scope) that are not botocore's service name
SIGNING_NAMES = {"elasticfilesystem": "efs"}


def _model(service):
    if service not in _models:
        try:
            _models[service] = _botocore.get_service_model(SIGNING_NAMES.get(service, service))
        except Exception:   # not a botocore service name: the operation stays unknown
            _models[service] = None
    return _models[service]


def _template(uri):
    """``/{Bucket}/{Key+}?tagging`` -> (path regex, required query keys)."""
    path, _, query = uri.partition("?")
    regex = re.sub(r"\\\{[^}]+\\\+\\\}", ".+", re.escape(path))
    regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", regex)
    keys = {q.split("=", 1)[0] for q in query.split("&") if q} - {"x-id"}
    return re.compile(f"^{regex.rstrip('/')}/?$"), keys


def _required(op):
    """Query keys and headers an operation's request always carries (CopyObject's
    x-amz-copy-source tells it from PutObject; UploadPart's uploadId from PutObject)."""
    shape = op.input_shape
    query, headers = set(), set()
    for name in (shape.required_members if shape else ()):
        member = shape.members[name].serialization
        where = {"querystring": query, "header": headers}.get(member.get("location"))
        if where is not None:
            where.add(member.get("name", name).lower() if where is headers else member.get("name", name))
    return query, headers


def request_uri(op):
    """The operation's URI template. botocore's S3 client takes ``/{Bucket}`` out of the
    model's requestUri (into ``authPath``) when it builds a client from a shared model."""
    uri = op.http.get("requestUri", "/")
    auth = op.http.get("authPath")
    if auth:   # the path with the bucket, the query of the requestUri
        query = uri.partition("?")[2]
        uri = auth + ("?" + query if query else "")
    return uri


def rest_operation(service, method, url, params, headers=()):
    model = _model(service)
    if model is None:
        return UNKNOWN
    path = url.path or "/"
    bucket = re.match(r"^(.+?)\.s3[.-]", url.hostname or "") if service == "s3" else None
    if bucket:   # virtual-hosted style: the bucket is in the host
        path = "/" + bucket.group(1) + ("" if path == "/" else path)
    best, score = UNKNOWN, None
    for name in model.operation_names:
        op = model.operation_model(name)
        if op.http.get("method") != method:
            continue
        regex, keys = _template(request_uri(op))
        query, needed = _required(op)
        keys |= query
        if not regex.match(path) or not keys <= set(params) or not needed <= set(headers):
            continue
        fixed = [q.split("=", 1) for q in request_uri(op).partition("?")[2].split("&")
                 if "=" in q and not q.startswith("x-id=")]
        if any(params.get(k, [None])[0] != v for k, v in fixed):
            continue   # the query's value tells them apart (CloudFront's ?Operation=Untag)
        rank = (len(keys) + len(needed), len(regex.pattern))
        if score is None or rank > score:
            best, score = name, rank
    return best
