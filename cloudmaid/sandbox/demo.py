"""``maid demo``: the seed's three policies, end to end, on the embedded local AWS.

1. start the sandbox and seed the fleet; 2. run the policies in poll mode, then deploy them as
functions and rules (printing the applied plan, then an empty re-plan); 3. launch an
untagged instance and an instance with an unencrypted volume, deliver the CloudTrail and
state-change events to the deployed functions, fire the periodic policy's schedule; 4. print
event -> function -> matched -> action -> state (read back from the sandbox) and check that
every expected outcome happened (exit 1 otherwise).
"""
import os
import tempfile
import time
import warnings

from ..context import Context
from ..mu import deploy
from ..policy import Policy
from ..session import SessionFactory
from . import fleet, trail
from .deliver import Delivery
from .server import Sandbox

SEED = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "examples", "seed.yml")
TAG_POLICY, VOLUME_POLICY, S3_POLICY = "ec2-tag-compliance", "ec2-require-encrypted-volumes", "s3-bucket-check"


def _load(path):
    from ..validate import load_and_check
    return load_and_check([path])


def _instance_states(ec2, ids):
    if not ids:
        return {}
    out = {}
    for r in ec2.describe_instances(InstanceIds=list(ids))["Reservations"]:
        for i in r["Instances"]:
            tags = {t["Key"] for t in i.get("Tags", [])}
            out[i["InstanceId"]] = i["State"]["Name"] + (" +maid_status" if "maid_status" in tags else "")
    return out


def _unencrypted(s3, buckets):
    out = []
    for name in buckets:
        try:
            s3.get_bucket_encryption(Bucket=name)
        except s3.exceptions.ClientError as e:
            if e.response["Error"]["Code"] == "ServerSideEncryptionConfigurationNotFoundError":
                out.append(name)
    return out


def _actions_text(actions):
    return ", ".join(f"{a['action']} {a['succeeded']} ok" + (f" {a['failed']} failed" if a["failed"] else "")
                     for a in actions) or "-"


def _event_label(event, names):
    d = event.get("detail") or {}
    if event.get("detail-type") == "AWS API Call via CloudTrail":
        ids = [i.get("instanceId") for i in ((d.get("responseElements") or {}).get("instancesSet") or {}).get("items", [])]
        return f"CloudTrail {d.get('eventName')} " + " ".join(names.get(i, i) for i in ids)
    if event.get("detail-type") == "EC2 Instance State-change Notification":
        return f"state {d.get('state')} {names.get(d.get('instance-id'), d.get('instance-id'))}"
    if event.get("detail-type") == "Scheduled Event":
        return f"schedule {event['resources'][0].rsplit('/', 1)[-1]}"
    return event.get("detail-type", "?")


def _did(invocation, action):
    """The invocation ran ``action`` without a failure."""
    for a in (invocation.result or {}).get("actions", []):
        if a["action"] == action and not a["failed"]:
            return True
    return False


def table(rows, headers):
    widths = [max(len(str(r[i])) for r in [headers] + rows) for i in range(len(headers))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return [line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows]


def _print(message, err=False):
    import sys
    print(message, file=sys.stderr if err else sys.stdout, flush=True)


class Demo:
    def __init__(self, echo=_print, policy_file=SEED, output_dir=None):
        self.echo = echo
        self.policy_file = policy_file
        self.output_dir = output_dir
        self.checks = []   # (what, ok)

    def check(self, what, ok):
        self.checks.append((what, bool(ok)))

    def run(self):
        t0 = time.time()
        specs, problems = _load(self.policy_file)
        if problems:
            for p in problems:
                self.echo(p, err=True)
            return 1
        with warnings.catch_warnings(), tempfile.TemporaryDirectory(prefix="maid-demo-") as tmp:
            warnings.simplefilter("ignore")
            out = self.output_dir or tmp
            with Sandbox() as sb:
                self._run(sb, specs, out)
        failed = [what for what, ok in self.checks if not ok]
        self.echo("")
        for what, ok in self.checks:
            self.echo(f"  [{'ok' if ok else 'FAILED'}] {what}")
        self.echo(f"\n{len(self.checks) - len(failed)}/{len(self.checks)} expected outcomes "
                  f"in {time.time() - t0:.1f}s" + ("" if not failed else "; see FAILED above"))
        return 1 if failed else 0

    def _run(self, sb, specs, out):
        echo, session = self.echo, sb.session()
        echo(f"1. Sandbox: local AWS (moto) at {sb.endpoint}, account {sb.account_id}, {sb.region}")
        seeded = fleet.seed(session, sb.region)
        echo(f"   fleet: {seeded.summary()}")
        names = {v: k for k, v in seeded.instances.items()}
        factory = SessionFactory(region=sb.region, session=session)

        shown = os.path.relpath(self.policy_file)
        shown = self.policy_file if shown.startswith("..") else shown
        echo(f"\n2. {shown}: {len(specs)} policies, first in poll mode")
        ctx = Context(factory, region=sb.region, account_id=sb.account_id,
                      output_dir=os.path.join(out, "poll"))
        poll = {}
        for spec in specs:
            policy = Policy({**spec.data, "mode": {"type": "pull"}}, ctx)
            meta = policy.run()
            ids = [policy.manager.resource_id(m) for m in meta["matched"]]
            poll[spec.name] = ids
            echo(f"   {spec.name}: {len(ids)} matched ({', '.join(names.get(i, i) for i in ids) or '-'})"
                 f"; {_actions_text(meta['actions'])}")
        self.check(f"poll: {TAG_POLICY} matches the untagged fleet instance",
                   poll.get(TAG_POLICY) == [seeded.instances["web-untagged"]])
        self.check(f"poll: {VOLUME_POLICY} matches the unencrypted fleet instance",
                   poll.get(VOLUME_POLICY) == [seeded.instances["db-unencrypted"]])

        echo("\n   then as Lambda functions behind EventBridge rules (plan, applied):")
        ctx = Context(factory, region=sb.region, account_id=sb.account_id,
                      output_dir=os.path.join(out, "deploy"))
        indent = lambda m, err=False: echo("   " + m, err=err)  # noqa: E731
        self.check("deploy applies cleanly", deploy.deploy(specs, ctx, echo=indent) == 0)
        lines = []
        deploy.deploy(specs, ctx, plan_only=True, echo=lambda m, err=False: lines.append(m))
        echo("   planned again: " + ("nothing to change" if all(m.endswith("up to date") for m in lines)
                                     else f"{len(lines)} change(s)"))
        self.check("a second plan is empty", lines and all(m.endswith("up to date") for m in lines))
        packages = {}
        for spec in specs:
            policy = Policy(spec.data, ctx)
            packages[policy.mode.function_name] = deploy.desired(policy, spec.data, lambda: ctx.account_id).function.code

        echo("\n3. Events: launch two instances, fire the schedule")
        rec = trail.Trail(sb.account_id)
        ec2 = rec.watch(sb.client("ec2", session))
        rows, results = [], []
        with Delivery(session, sb.region, sb.account_id, sb.env(), packages) as delivery:
            untagged = fleet.launch(ec2, seeded.image_id, "new-untagged", encrypted=True)
            unencrypted = fleet.launch(ec2, seeded.image_id, "new-unencrypted", fleet.REQUIRED_TAGS,
                                       encrypted=False)
            names.update({untagged: "new-untagged", unencrypted: "new-unencrypted"})
            echo(f"   launched new-untagged ({untagged}) and new-unencrypted ({unencrypted})")
            invocations = delivery.deliver_all(rec.take())
            if any(spec.name == S3_POLICY for spec in specs):
                invocations += delivery.fire(f"maid-{S3_POLICY}")
            echo(f"   {len(invocations)} function invocations, each in its own Lambda-like process "
                 f"(concurrent, as EventBridge delivers)")
            states = _instance_states(sb.client("ec2", session), [untagged, unencrypted])
            buckets = [b["Name"] for b in sb.client("s3", session).list_buckets()["Buckets"]]
            plain = _unencrypted(sb.client("s3", session), buckets)
            bucket_state = f"{len(buckets)} buckets, {len(plain)} without default encryption"
            for inv in invocations:
                r = inv.result or {}
                matched = r.get("matched") or []
                if inv.error:
                    outcome = f"failed: {inv.error['errorType']}: {inv.error['errorMessage']}"
                elif r.get("status") != "ok":
                    outcome = f"{r.get('status')}: {r.get('reason', '')}".strip()
                else:
                    outcome = _actions_text(r.get("actions", []))
                subject = r.get("ids") or matched
                state = (", ".join(f"{names.get(i, i)} {states.get(i, '?')}" for i in subject)
                         if r.get("resource") == "ec2" else bucket_state)
                shown = (", ".join(names.get(m, m) for m in matched) if r.get("resource") == "ec2"
                         else f"{len(matched)} buckets" if matched else "")
                rows.append([_event_label(inv.event, names), inv.function, shown or "-", outcome, state])
                results.append(inv)
        echo("\n4. What happened")
        for line in table(rows, ["event", "function", "matched", "action", "resulting state"]):
            echo("   " + line)
        self._expect(results, untagged, unencrypted, states, buckets)

    def _expect(self, results, untagged, unencrypted, states, buckets):
        by = {}
        for inv in results:
            by.setdefault(inv.function, []).append(inv)
        self.check("every invocation ran without error",
                   results and all(i.ok and (i.result or {}).get("status") == "ok" for i in results))
        stopped = [i for i in by.get(f"maid-{TAG_POLICY}", [])
                   if (i.result or {}).get("matched") == [untagged]]
        self.check(f"{TAG_POLICY} got RunInstances and stopped new-untagged",
                   stopped and states.get(untagged, "").startswith("stopped"))
        marked = [i for i in by.get(f"maid-{VOLUME_POLICY}", [])
                  if (i.result or {}).get("matched") == [unencrypted] and _did(i, "terminate")
                  and (_did(i, "mark") or _did(i, "tag"))]
        self.check(f"{VOLUME_POLICY} got 'pending', ran mark and terminate on new-unencrypted",
                   marked and states.get(unencrypted, "").startswith("terminated"))
        self.check(f"{VOLUME_POLICY} did not terminate the encrypted new-untagged",
                   not states.get(untagged, "").startswith("terminated"))
        scheduled = by.get(f"maid-{S3_POLICY}", [])
        self.check(f"{S3_POLICY} schedule fired and saw every bucket",
                   scheduled and sorted((scheduled[0].result or {}).get("matched") or []) == sorted(buckets))


def run(echo=_print, policy_file=SEED, output_dir=None):
    """Run the demo; the exit code."""
    return Demo(echo, policy_file, output_dir).run()
