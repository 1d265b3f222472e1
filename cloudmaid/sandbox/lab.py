"""The sandbox as a local event-mode lab: what CloudTrail, EventBridge, Lambda and Config's
rule engine would do with the calls any client makes to it.

The recorder (recorder.py) hands every call to ``record``: a mutating call becomes the
CloudTrail record AWS would write (kept for LookupEvents, history.py), wrapped in the
EventBridge envelope, plus EC2 state-change events; they are queued, in order, to the rules
deployed in the sandbox (dispatch.py), whose functions run as Lambda would (deliver.py) with
their log lines in CloudWatch Logs. Scheduled rules fire on time (schedules.py) and custom
Config rules evaluate (compliance.py).
"""
import json
import re
import threading
import uuid
import urllib.error
import urllib.request

from . import trail, wire
from .clock import WallClock
from .compliance import Compliance
from .deliver import Delivery, DeliveryError
from .dispatch import Dispatcher
from .history import History
from .identity import INTERNAL_KEY, SECRET, Identities
from .recorder import json_error, json_response
from .schedules import Schedules

#: calls CloudTrail logs as data events, which a trail records only when asked to (and
#: EventBridge then gets them): not management events
_DATA_EVENTS = {"lambda": {"Invoke", "InvokeAsync", "InvokeWithResponseStream"},
                "logs": {"PutLogEvents"}, "s3": {"DeleteObjects", "RestoreObject"}}
_OBJECT_PATH = re.compile(r"\{Key\+?\}")


def management_event(call):
    """Whether CloudTrail records ``call`` as a management write (what EventBridge gets)."""
    if trail.READ_ONLY.match(call.name) or call.name in _DATA_EVENTS.get(call.prefix, ()):
        return False
    if call.prefix == "s3" and _OBJECT_PATH.search(call.operation.http.get("requestUri", "")):
        return False
    return True


class Lab:
    def __init__(self, sandbox, clock=None):
        from .server import SandboxSession
        self.sandbox = sandbox
        self.account_id, self.region = sandbox.account_id, sandbox.region
        self.clock = clock or WallClock()
        self.identities = Identities(self.account_id)
        self.history = History()
        # the sandbox's own calls: signed with a key the recorder never records
        self.session = SandboxSession(sandbox.endpoint, aws_access_key_id=INTERNAL_KEY,
                                      aws_secret_access_key=SECRET, region_name=self.region)
        self._clients = {}
        self._lock = threading.Lock()
        self.delivery = Delivery(self.session, self.region, self.account_id, sandbox.env(),
                                 credentials=self._credentials)
        self.dispatcher = Dispatcher(self.delivery)
        self.compliance = Compliance(self)
        self.schedules = Schedules(self, self.clock)

    def close(self):
        self.schedules.close()
        self.dispatcher.close()
        self.delivery.close()

    @property
    def role_arn(self):
        return self.sandbox.role_arn

    @property
    def invocations(self):
        """The invocations so far, in the order of the events that caused them."""
        return [inv for _, inv in sorted(self.dispatcher.invocations, key=lambda p: p[0])]

    def drain(self, timeout=60.0):
        return self.dispatcher.drain(timeout)

    def client(self, service):
        with self._lock:
            if service not in self._clients:
                self._clients[service] = self.session.client(service, region_name=self.region)
            return self._clients[service]

    def manager(self, config_type):
        """A cloudmaid resource manager for an AWS Config type, or None."""
        from .. import index
        from ..context import Context
        from ..resources.manager import ResourceManager
        from ..session import SessionFactory
        rtype = next((r for r, c in sorted(index.CONFIG_TYPES.items()) if c == config_type), None)
        if rtype is None:
            return None
        ctx = Context(SessionFactory(region=self.region, session=self.session),
                      region=self.region, account_id=self.account_id)
        return ResourceManager.for_type(ctx, rtype)

    def _credentials(self, function, config, depth):
        return self.identities.issue(function, config.get("Role"), depth)

    # -- from the recorder --------------------------------------------------------------------
    def intercept(self, call):
        """The answer to a call moto cannot give as AWS would, or None for moto's."""
        if call.prefix == "cloudtrail" and call.name == "LookupEvents":
            return self.history.lookup(call.params)
        if call.prefix == "config":
            return self.compliance.answer(call)
        return None

    def record(self, call, caller, status, headers, body):
        if not management_event(call):
            return
        parsed = wire.parse_response(call, status, headers, body)
        event = trail.cloudtrail_event(call.operation, call.params, parsed, call.region,
                                       self.account_id, when=self.clock.now(),
                                       identity=caller.identity, user_agent=call.user_agent,
                                       source_ip=call.source_ip)
        detail = event["detail"]
        self.history.add(detail, caller.username)
        ok = "errorCode" not in detail
        events = [event]
        if ok and call.prefix == "ec2":
            events += trail.state_changes(call.name, parsed, call.region, self.account_id)
        if ok and call.prefix == "events":
            self.dispatcher.rules_changed()
            self.schedules.changed()
        if ok and call.prefix == "scheduler":
            self.schedules.changed()
        if ok and call.prefix == "config":
            self.compliance.rules_changed()
            self.schedules.changed()
            name = (call.params.get("ConfigRule") or {}).get("ConfigRuleName")
            if call.name == "PutConfigRule" and name:
                self.dispatcher.later(lambda: self.compliance.created(name))
            elif call.name == "DeleteConfigRule":
                self.compliance.forget(call.params.get("ConfigRuleName"))
        self.dispatcher.submit(events, caller.depth)
        if ok:
            self.dispatcher.later(lambda: self.compliance.changed(detail, caller.depth))

    # -- schedules fired now ------------------------------------------------------------------
    def fire(self, name, when=None):
        """Fire scheduled rule ``name`` (its targets get a Scheduled Event, at ``when`` or
        now), or run a periodic Config rule; the sequence numbers of the invocations queued."""
        rule = next((r for r in self.delivery.rules() if r.name == name and r.schedule), None)
        if rule is not None:
            event = trail.envelope("Scheduled Event", "aws.events", self.region, self.account_id,
                                   {}, [rule.arn], when=when or self.clock.now())
            return [self.dispatcher.invoke(fn, event) for fn in rule.functions]
        if name in self.compliance.periodic():
            return self.compliance.scheduled(name, when)
        found = [s for s in self.scheduler_schedules() if name in (s["Name"], f"{s['GroupName']}/{s['Name']}")]
        if found:
            return [seq for s in found for seq in self.run_schedule(s, when, bounded=False)]
        raise DeliveryError(f"no enabled scheduled rule, schedule or periodic Config rule named '{name}'")

    def scheduler_schedules(self):
        """The enabled EventBridge Scheduler schedules whose target is a Lambda function."""
        scheduler = self.client("scheduler")
        out = []
        for page in scheduler.get_paginator("list_schedules").paginate():
            for item in page.get("Schedules") or ():
                if item.get("State", "ENABLED") != "ENABLED":
                    continue
                s = scheduler.get_schedule(Name=item["Name"], GroupName=item.get("GroupName", "default"))
                if ":lambda:" in (s.get("Target") or {}).get("Arn", ""):
                    out.append(s)
        return out

    def run_schedule(self, s, when=None, bounded=True):
        """Invoke a Scheduler schedule's function with its input, its context attributes
        filled in as the Scheduler fills them; nothing outside its start and end dates."""
        when = when or self.clock.now()
        if bounded and ((s.get("StartDate") and when < s["StartDate"]) or
                        (s.get("EndDate") and when > s["EndDate"])):
            return []
        target = s["Target"]
        text = target.get("Input") or "{}"
        for attribute, value in (("execution-id", str(uuid.uuid4())), ("attempt-number", "1"),
                                 ("scheduled-time", when.strftime("%Y-%m-%dT%H:%M:%SZ")),
                                 ("schedule-arn", s.get("Arn", ""))):
            text = text.replace(f"<aws.scheduler.{attribute}>", value)
        function = target["Arn"].split(":function:", 1)[-1].split(":", 1)[0]
        return [self.dispatcher.invoke(function, json.loads(text))]

    def control(self, path, method, body):
        """The sandbox's control API (``POST /_maid/fire {"rule": NAME}``)."""
        if path != "fire" or method != "POST":
            return json_error("NotFound", f"no control path /_maid/{path}", 404)
        try:
            name = json.loads(body or b"{}").get("rule")
            seqs = self.fire(name)
        except (ValueError, AttributeError):
            return json_error("BadRequest", 'expected {"rule": NAME}')
        except DeliveryError as e:
            return json_error("NotFound", str(e), 404)
        done = self.dispatcher.wait_for_all(seqs, timeout=300)
        return json_response({"rule": name, "invocations": [summary(inv) for inv in done]})


def summary(inv):
    r = inv.result or {}
    return {"function": inv.function, "request_id": inv.request_id,
            "status": "failed" if inv.error else r.get("status"),
            "matched": r.get("matched"), "reason": r.get("reason"),
            "error": (f"{inv.error['errorType']}: {inv.error['errorMessage']}" if inv.error else None)}


def fire_remote(endpoint, rule, timeout=330):
    """``maid sandbox fire RULE``: ask the sandbox at ``endpoint`` to fire ``rule``; (ok, lines)."""
    req = urllib.request.Request(f"{endpoint.rstrip('/')}/_maid/fire", method="POST",
                                 data=json.dumps({"rule": rule}).encode(),
                                 headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=timeout) as resp:
            data = json.loads(resp.read())
    except urllib.error.HTTPError as e:
        try:
            return False, [json.loads(e.read()).get("message") or str(e)]
        except ValueError:
            return False, [f"{endpoint} is not a cloudmaid sandbox ({e.code})"]
    except (urllib.error.URLError, OSError) as e:
        return False, [f"cannot reach the sandbox at {endpoint}: {getattr(e, 'reason', e)}"]
    lines, ok = [], True
    for inv in data["invocations"]:
        ok = ok and inv["status"] == "ok"
        what = inv["error"] or inv["reason"] or f"{len(inv['matched'] or [])} matched"
        lines.append(f"{data['rule']}: {inv['function']} {inv['status']}: {what} "
                     f"(request {inv['request_id']})")
    return ok, lines or [f"{data['rule']}: no function targets it"]
