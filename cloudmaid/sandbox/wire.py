"""An HTTP request to the sandbox read back as the API call it is, with botocore's models.

Any client (the AWS CLI, boto3, Terraform's provider) signs its requests with SigV4, whose
credential scope names the region and the service; the protocol of that service's model says
where the operation and its parameters are: the ``Action`` form field (query, ec2), the
``X-Amz-Target`` header (json), or the method and path against each operation's
``requestUri`` (rest-json, rest-xml: S3 path style). Parameters come back keyed by the
model's member names, as boto3 takes them, so trail.render can write them as CloudTrail does.
Responses are read with botocore's own parsers.
"""
import functools
import json
import re
import urllib.parse
from dataclasses import dataclass, field

import botocore.session
from botocore import parsers
from botocore.awsrequest import HeadersDict

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
#: signing names whose botocore service name differs (or is shared: tried in order)
_SIGNING = {"monitoring": ("cloudwatch",), "email": ("ses", "sesv2"), "states": ("stepfunctions",),
            "elasticloadbalancing": ("elbv2", "elb"), "es": ("opensearch", "es"),
            "tagging": ("resourcegroupstaggingapi",), "events": ("events",),
            "execute-api": ("apigateway",), "elasticfilesystem": ("efs",),
            "elasticmapreduce": ("emr",), "cognito-idp": ("cognito-idp",)}


@dataclass
class Call:
    """One API call as the sandbox saw it."""
    service: object            # botocore ServiceModel
    operation: object          # botocore OperationModel
    params: dict
    region: str
    access_key: str = None
    user_agent: str = ""
    source_ip: str = "127.0.0.1"
    headers: dict = field(default_factory=dict)

    @property
    def name(self):
        return self.operation.name

    @property
    def prefix(self):
        """The CloudTrail service prefix: ``ec2`` for ec2.amazonaws.com."""
        return self.service.endpoint_prefix


@functools.lru_cache(maxsize=None)
def _session():
    return botocore.session.get_session()


@functools.lru_cache(maxsize=None)
def service_model(name):
    try:
        return _session().get_service_model(name)
    except Exception:   # botocore's UnknownServiceError and data errors alike
        return None


def credential(headers, query):
    """(access key, region, signing name) from a SigV4 Authorization header or presigned URL."""
    text = headers.get("Authorization", "")
    m = _CREDENTIAL.search(text)
    if m:
        return m.groups()
    scope = (query.get("X-Amz-Credential") or [""])[0].split("/")
    if len(scope) == 5:
        return scope[0], scope[2], scope[3]
    return None, None, None


@functools.lru_cache(maxsize=None)
def _undashed():
    """botocore service names by their spelling without dashes (``servicequotas``)."""
    return {n.replace("-", ""): n for n in _session().get_available_services()}


def candidates(signing):
    names = _SIGNING.get(signing, (signing,))
    found = [m for m in map(service_model, names) if m is not None]
    if not found and signing.replace("-", "") in _undashed():
        found = [service_model(_undashed()[signing.replace("-", "")])]
    return [m for m in found if m is not None]


def read(method, path, query_string, headers, body, remote="127.0.0.1"):
    """The Call a request makes, or None when it is no API call botocore models (the
    sandbox's control paths, moto's /moto-api, unsigned requests)."""
    query = urllib.parse.parse_qs(query_string, keep_blank_values=True)
    key, region, signing = credential(headers, query)
    if not signing:
        return None
    for model in candidates(signing):
        found = _operation(model, method, path, query, headers, body)
        if found:
            op, labels = found
            params = _params(model, op, path, query, headers, body, labels)
            return Call(model, op, params, region or "us-east-1", key,
                        headers.get("User-Agent", ""), remote, dict(headers))
    return None


# -- which operation -----------------------------------------------------------------------

def _operation(model, method, path, query, headers, body):
    protocol = model.protocol
    if protocol in ("query", "ec2"):
        action = (query.get("Action") or [None])[0] or _form(headers, body).get("Action", [None])[0]
        return (model.operation_model(action), {}) if action in model.operation_names else None
    if protocol == "json":
        target = headers.get("X-Amz-Target", "")
        prefix, _, name = target.rpartition(".")
        if prefix == model.metadata.get("targetPrefix") and name in model.operation_names:
            return model.operation_model(name), {}
        return None
    raw = path.split("?", 1)[0]
    for verb, regex, labels, required, op in _routes(model):
        if verb != method:
            continue
        m = regex.match(raw)
        if m and all(k in query and (v is None or v in query[k]) for k, v in required.items()):
            return op, {name: urllib.parse.unquote(value) for name, value in zip(labels, m.groups())}
    return None


@functools.lru_cache(maxsize=None)
def _routes(model):
    """Each operation's (method, path regex, label names, required query, model), the most
    specific first: more required query keys, then more literal path."""
    routes = []
    for name in model.operation_names:
        op = model.operation_model(name)
        path, _, query = op.http.get("requestUri", "/").partition("?")
        labels, pattern, literal = [], "", 0
        for piece in re.split(r"(\{[^}]+\})", path):
            if piece.startswith("{"):
                label = piece[1:-1]
                greedy = label.endswith("+")
                labels.append(label.rstrip("+"))
                pattern += "(.+)" if greedy else "([^/]+)"
            else:
                pattern += re.escape(piece)
                literal += len(piece)
        required = {}
        for part in filter(None, query.split("&")):
            k, _, v = part.partition("=")
            required[k] = v or None
        regex = re.compile("^" + pattern.rstrip("/") + "/?$")
        routes.append((op.http.get("method", "POST"), regex, labels, required, op, literal))
    routes.sort(key=lambda r: (-len(r[3]), -r[5]))
    return [r[:5] for r in routes]


# -- its parameters ------------------------------------------------------------------------

def _form(headers, body):
    if "x-www-form-urlencoded" not in headers.get("Content-Type", "") or not body:
        return {}
    return urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


def _params(model, op, path, query, headers, body, labels):
    shape = op.input_shape
    if shape is None:
        return {}
    protocol = model.protocol
    if protocol in ("query", "ec2"):
        values = {k: v[-1] for k, v in {**query, **_form(headers, body)}.items()}
        return _query_struct(shape, values, "", protocol == "ec2") or {}
    if protocol == "json":
        return _json(body) or {}
    return _rest(protocol, shape, query, headers, body, labels)


def _json(body):
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _query_name(member, name, ec2):
    s = member.serialization
    if ec2:
        return s.get("queryName") or (s["name"][:1].upper() + s["name"][1:] if s.get("name") else name)
    return s.get("name") or name


def _query_value(shape, values, key, ec2):
    kind = shape.type_name
    if kind == "structure":
        return _query_struct(shape, values, key + ".", ec2)
    if kind == "list":
        if ec2 or shape.serialization.get("flattened"):
            base = key
        else:
            base = f"{key}.{shape.member.serialization.get('name', 'member')}"
        items, i = [], 1
        while any(k == f"{base}.{i}" or k.startswith(f"{base}.{i}.") for k in values):
            item = _query_value(shape.member, values, f"{base}.{i}", ec2)
            if item is not None:
                items.append(item)
            i += 1
        return items or ([] if key in values else None)
    if kind == "map":
        base = key if shape.serialization.get("flattened") else f"{key}.entry"
        kname = shape.key.serialization.get("name", "key")
        vname = shape.value.serialization.get("name", "value")
        out, i = {}, 1
        while f"{base}.{i}.{kname}" in values:
            out[values[f"{base}.{i}.{kname}"]] = _query_value(shape.value, values, f"{base}.{i}.{vname}", ec2)
            i += 1
        return out or None
    if key not in values:
        return None
    return _scalar(shape, values[key])


def _query_struct(shape, values, prefix, ec2):
    if prefix and not any(k.startswith(prefix) for k in values):
        return None
    out = {}
    for name, member in shape.members.items():
        value = _query_value(member, values, prefix + _query_name(member, name, ec2), ec2)
        if value is not None:
            out[name] = value
    return out


def _scalar(shape, text):
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
    except ValueError:
        return text
    if kind == "boolean":
        return str(text).lower() == "true"
    return text


def _rest(protocol, shape, query, headers, body, labels):
    out = {}
    payload = shape.serialization.get("payload")
    body_members = {}
    for name, member in shape.members.items():
        where, wire = member.serialization.get("location"), member.serialization.get("name", name)
        if where == "uri":
            if wire in labels:
                out[name] = labels[wire]
        elif where == "querystring":
            if member.type_name == "map":
                known = {m.serialization.get("name") for m in shape.members.values()}
                rest = {k: v[-1] for k, v in query.items() if k not in known}
                if rest:
                    out[name] = rest
            elif wire in query:
                out[name] = (query[wire] if member.type_name == "list"
                             else _scalar(member, query[wire][-1]))
        elif where == "header":
            if wire in headers:
                out[name] = _scalar(member, headers[wire])
        elif where == "headers":
            found = {k[len(wire):]: v for k, v in headers.items() if k.lower().startswith(wire.lower())}
            if found:
                out[name] = found
        elif where is None and name != payload:
            body_members[name] = member
    if payload:
        member = shape.members[payload]
        if member.type_name == "structure" and body:
            value = _body(protocol, member, body)
            if value is not None:
                out[payload] = value
    elif body_members and body:
        value = _body(protocol, shape, body)
        out.update({k: v for k, v in (value or {}).items() if k in body_members})
    return out


def _body(protocol, shape, body):
    if protocol == "rest-json":
        return _json(body)
    try:
        parser = parsers.RestXMLParser()
        return parser._parse_shape(shape, parser._parse_xml_string_to_dom(body))
    except Exception:   # a body botocore cannot read is recorded without its parameters
        return None


# -- the response --------------------------------------------------------------------------

def parse_response(call, status, headers, body):
    """The response as boto3 would parse it: {"Error": {...}} for a failed call."""
    op = call.operation
    if op.has_streaming_output or op.has_event_stream_output:
        return {"ResponseMetadata": {"HTTPStatusCode": status}}
    parser = parsers.create_parser(call.service.protocol)
    response = {"status_code": status, "headers": HeadersDict(headers), "body": body,
                "context": {"operation_name": op.name}}
    try:
        return parser.parse(response, op.output_shape)
    except Exception:   # an unreadable body: recorded with its status only
        return {"ResponseMetadata": {"HTTPStatusCode": status}}
