"""CloudTrail and EC2 state-change events, rendered from real calls made against the sandbox.

moto has no CloudTrail and sends nothing to EventBridge. For each mutating call the sandbox
builds the event EventBridge would carry: ``AWS API Call via CloudTrail`` with
``requestParameters`` and ``responseElements`` rendered from the call's parameters and
response the way CloudTrail renders them (EC2: wire names such as ``instancesSet``, lists as
``{"items": [...]}``), plus ``EC2 Instance State-change Notification`` events for instances
whose state the call changed. The server sees every client's calls (recorder.py); ``Trail``
watches the boto3 clients given to it instead (client-side hooks).
"""
import datetime
import re
import uuid

READ_ONLY = re.compile(r"^(Describe|List|Get|Head|Lookup|Search|Select|Batch[GD]et)")
# S3 request members CloudTrail names differently from the API model
_S3_NAMES = {"Bucket": "bucketName", "Key": "key"}
# EC2 request lists of ids, which CloudTrail writes as sets of one-key items
_EC2_ID_SETS = {"instanceId": "instancesSet", "resourceId": "resourcesSet", "groupId": "groupSet"}
# response lists whose items carry an instance id and a current state
_STATE_LISTS = {"RunInstances": ("Instances", "State"),
                "StartInstances": ("StartingInstances", "CurrentState"),
                "StopInstances": ("StoppingInstances", "CurrentState"),
                "TerminateInstances": ("TerminatingInstances", "CurrentState")}
# the state EC2 reports next, a moment later (moto has already moved the instance there)
_NEXT_STATE = {"pending": "running", "stopping": "stopped", "shutting-down": "terminated"}


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _iso(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _lower_camel(name):
    return name[:1].lower() + name[1:] if name else name


def render(value, shape, service, top=True):
    """A boto3 value (params or parsed response) as CloudTrail writes it."""
    if shape is None or value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            if name in value and name != "ResponseMetadata":
                key = _key(name, member, service, top)
                if key in _EC2_ID_SETS and member.type_name == "list" and service == "ec2" \
                        and member.member.type_name == "string":
                    out[_EC2_ID_SETS[key]] = {"items": [{key: v} for v in value[name]]}
                else:
                    out[key] = render(value[name], member, service, False)
        return out
    if kind == "list":
        items = [render(v, shape.member, service, False) for v in value]
        return {"items": items} if service == "ec2" else items
    if kind == "map":
        return {k: render(v, shape.value, service, False) for k, v in value.items()}
    if kind == "timestamp" and isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    if kind == "blob":
        return "HIDDEN_DUE_TO_SECURITY_REASONS"
    return value


def _key(name, member, service, top):
    if service == "ec2":
        return _lower_camel(member.serialization.get("name") or name)
    if service == "s3":   # the request's own members; bodies keep the API's names
        return _S3_NAMES.get(name, name) if top else name
    return _lower_camel(name)


def envelope(detail_type, source, region, account_id, detail, resources=(), when=None):
    """The EventBridge event around ``detail``."""
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": detail_type,
            "source": source, "account": account_id, "time": _iso(when or _now()),
            "region": region, "resources": list(resources), "detail": detail}


def user_identity(account_id, access_key=None):
    """The ``userIdentity`` of the sandbox's one IAM user (what any client's keys stand for)."""
    out = {"type": "IAMUser", "principalId": "AIDASANDBOXUSER00001", "accountId": account_id,
           "arn": f"arn:aws:iam::{account_id}:user/sandbox", "userName": "sandbox"}
    if access_key:
        out["accessKeyId"] = access_key
    return out


def error_code(service, code, status):
    """CloudTrail's errorCode: EC2 prefixes Client. / Server. to the API's error code."""
    if service == "ec2" and code and not code.startswith(("Client.", "Server.")):
        return ("Server." if status and status >= 500 else "Client.") + code
    return code


def cloudtrail_event(model, params, parsed, region, account_id, when=None, identity=None,
                     user_agent="cloudmaid-sandbox", source_ip="127.0.0.1"):
    """The ``AWS API Call via CloudTrail`` event for one call."""
    service = model.service_model.endpoint_prefix
    when = when or _now()
    meta = (parsed or {}).get("ResponseMetadata", {})
    error = (parsed or {}).get("Error")
    detail = {
        "eventVersion": "1.08",
        "userIdentity": identity or user_identity(account_id),
        "eventTime": _iso(when),
        "eventSource": f"{service}.amazonaws.com",
        "eventName": model.name,
        "awsRegion": region,
        "sourceIPAddress": source_ip,
        "userAgent": user_agent,
        "requestParameters": render(params, model.input_shape, service) or None,
        "responseElements": None,
        "requestID": meta.get("RequestId") or str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": bool(READ_ONLY.match(model.name)),
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account_id,
        "eventCategory": "Management",
    }
    if error:
        detail["errorCode"] = error_code(service, error.get("Code"), meta.get("HTTPStatusCode"))
        detail["errorMessage"] = error.get("Message")
    else:
        # S3 writes no response elements for bucket calls
        response = None if service == "s3" else render(parsed, model.output_shape, service) or None
        if response is not None and service == "ec2":
            response = {"requestId": detail["requestID"], **response}
        detail["responseElements"] = response
    return envelope("AWS API Call via CloudTrail", f"aws.{service}", region, account_id,
                    detail, when=when)


def state_change_event(instance_id, state, region, account_id, when=None):
    """An ``EC2 Instance State-change Notification``."""
    arn = f"arn:aws:ec2:{region}:{account_id}:instance/{instance_id}"
    return envelope("EC2 Instance State-change Notification", "aws.ec2", region, account_id,
                    {"instance-id": instance_id, "state": state}, [arn], when)


def state_changes(operation, parsed, region, account_id):
    """State-change events for the instances an EC2 call moved to a new state."""
    if operation not in _STATE_LISTS or not parsed:
        return []
    items, state_key = _STATE_LISTS[operation]
    events = []
    for step in (0, 1):
        for i in parsed.get(items, []):
            state = i.get(state_key, {}).get("Name")
            state = _NEXT_STATE.get(state) if step else state
            if state:
                events.append(state_change_event(i["InstanceId"], state, region, account_id))
    return events


class Trail:
    """Collects the events for mutating calls made through the clients it watches."""

    def __init__(self, account_id):
        self.account_id = account_id
        self.events = []

    def watch(self, client):
        client.meta.events.register("before-parameter-build", self._remember_params)
        client.meta.events.register("after-call", self._after_call)
        return client

    def _remember_params(self, params, model, context, **kwargs):
        context["sandbox_params"] = dict(params)

    def _after_call(self, http_response, parsed, model, context, **kwargs):
        if READ_ONLY.match(model.name):
            return
        region = context.get("client_region") or "us-east-1"
        params = context.get("sandbox_params", {})
        self.events.append(cloudtrail_event(model, params, parsed, region, self.account_id))
        if model.service_model.endpoint_prefix == "ec2" and not parsed.get("Error"):
            self.events.extend(state_changes(model.name, parsed, region, self.account_id))

    def take(self):
        """The events recorded since the last take."""
        events, self.events = self.events, []
        return events
