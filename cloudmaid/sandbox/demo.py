"""``maid demo``: the seed's three policies, end to end, on the embedded local AWS.

1. start the sandbox and seed the fleet; 2. run the policies in poll mode, then deploy them as
functions and rules (printing the applied plan, then an empty re-plan); 3. launch an
untagged instance and an instance with an unencrypted volume (the sandbox records the calls
as CloudTrail and delivers the events to the deployed functions), fire the periodic policy's
schedule; 4. print
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
from . import fleet
from .deliver import DeliveryError
from .server import Sandbox, SandboxError

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
            try:
                with Sandbox(events=True) as sb:
                    self._run(sb, specs, out)
            except (DeliveryError, SandboxError) as e:
                self.echo(f"demo stopped: {e}", err=True)
                self.check("the demo ran to the end", False)
        failed = [what for what, ok in self.checks if not ok]
        self.echo("")
        for what, ok in self.checks:
            self.echo(f"  [{'ok' if ok else 'FAILED'}] {what}")
        self.echo(f"\n{len(self.checks) - len(failed)}/{len(self.checks)} expected outcomes "
                  f"in {time.time() - t0:.1f}s" + ("" if not failed else "; see FAILED above"))
        return 1 if failed else 0

    def _run(self, sb, specs, out):
        self.sb, self.session = sb, sb.session()
        self.factory = SessionFactory(region=sb.region, session=self.session)
        self.echo(f"1. Sandbox: local AWS (moto) at {sb.endpoint}, account {sb.account_id}, {sb.region}")
        self.fleet = fleet.seed(self.session, sb.region)
        self.names = {v: k for k, v in self.fleet.instances.items()}
        self.echo(f"   fleet: {self.fleet.summary()}")
        self._poll(specs, os.path.join(out, "poll"))
        packages = self._deploy(specs, os.path.join(out, "deploy"))
        rows, invocations, states, buckets = self._events(specs, packages)
        self.echo("\n4. What happened")
        for line in table(rows, ["event", "function", "matched", "action", "resulting state"]):
            self.echo("   " + line)
        self._expect(invocations, *self.launched, states, buckets)

    def _context(self, out):
        return Context(self.factory, region=self.sb.region, account_id=self.sb.account_id,
                       output_dir=out)

    def _poll(self, specs, out):
        shown = os.path.relpath(self.policy_file)
        shown = self.policy_file if shown.startswith("..") else shown
        self.echo(f"\n2. {shown}: {len(specs)} policies, first in poll mode")
        ctx, matched = self._context(out), {}
        for spec in specs:
            policy = Policy({**spec.data, "mode": {"type": "pull"}}, ctx)
            meta = policy.run()
            ids = matched[spec.name] = [policy.manager.resource_id(m) for m in meta["matched"]]
            self.echo(f"   {spec.name}: {len(ids)} matched ({', '.join(self.names.get(i, i) for i in ids) or '-'})"
                      f"; {_actions_text(meta['actions'])}")
        self.check(f"poll: {TAG_POLICY} matches the untagged fleet instance",
                   matched.get(TAG_POLICY) == [self.fleet.instances["web-untagged"]])
        self.check(f"poll: {VOLUME_POLICY} matches the unencrypted fleet instance",
                   matched.get(VOLUME_POLICY) == [self.fleet.instances["db-unencrypted"]])

    def _deploy(self, specs, out):
        """Deploy (printing the applied plan), plan again (must be empty); the packages built
        for each function, which delivery checks against the deployed CodeSha256."""
        self.echo("\n   then as Lambda functions behind EventBridge rules (plan, applied):")
        ctx = self._context(out)
        indent = lambda m, err=False: self.echo("   " + m, err=err)  # noqa: E731
        self.check("deploy applies cleanly", deploy.deploy(specs, ctx, echo=indent) == 0)
        lines = []
        deploy.deploy(specs, ctx, plan_only=True, echo=lambda m, err=False: lines.append(m))
        empty = bool(lines) and all(m.endswith("up to date") for m in lines)
        self.echo("   planned again: " + ("nothing to change" if empty else f"{len(lines)} change(s)"))
        self.check("a second plan is empty", empty)
        self.functions, packages = {}, {}
        for spec in specs:
            policy = Policy(spec.data, ctx)
            fn = deploy.desired(policy, spec.data, lambda: ctx.account_id).function
            self.functions[spec.name], packages[fn.name] = fn.name, fn.code
        return packages

    def _events(self, specs, packages):
        self.echo("\n3. Events: launch two instances, fire the schedule")
        lab = self.sb.lab
        # the functions run the deployed zips: they must be the packages built for the policies
        lab.delivery.packages.update(packages)
        if not lab.drain(60):   # the seeding and deploy calls: nothing is listening yet
            raise DeliveryError("the sandbox did not finish delivering the setup calls")
        seen = {id(inv) for inv in lab.invocations}
        ec2 = self.sb.client("ec2", self.session)
        untagged = fleet.launch(ec2, self.fleet.image_id, "new-untagged", encrypted=True)
        unencrypted = fleet.launch(ec2, self.fleet.image_id, "new-unencrypted",
                                   fleet.REQUIRED_TAGS, encrypted=False)
        self.launched = (untagged, unencrypted)
        self.names.update({untagged: "new-untagged", unencrypted: "new-unencrypted"})
        self.echo(f"   launched new-untagged ({untagged}) and new-unencrypted ({unencrypted}); "
                  "the sandbox recorded the calls as CloudTrail and delivered the events")
        if not lab.drain(120):
            raise DeliveryError("the events were not delivered within 120 s")
        invocations = [inv for inv in lab.invocations if id(inv) not in seen]
        if S3_POLICY in self.functions:
            invocations += lab.dispatcher.wait_for_all(lab.fire(self.functions[S3_POLICY]), 120)
        self.echo(f"   {len(invocations)} function invocations, each in its own Lambda-like process "
                  f"(functions side by side, each on its events in order)")
        states = _instance_states(self.sb.client("ec2", self.session), self.launched)
        s3 = self.sb.client("s3", self.session)
        buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
        bucket_state = f"{len(buckets)} buckets, {len(_unencrypted(s3, buckets))} without default encryption"
        rows = [self._row(inv, states, bucket_state) for inv in invocations]
        return rows, invocations, states, buckets

    def _row(self, inv, states, bucket_state):
        """event | function | matched | action | resulting state, for one invocation."""
        r, names = inv.result or {}, self.names
        matched = r.get("matched") or []
        if inv.error:
            outcome = f"failed: {inv.error['errorType']}: {inv.error['errorMessage']}"
        elif r.get("status") != "ok":
            outcome = f"{r.get('status')}: {r.get('reason', '')}".strip()
        else:
            outcome = _actions_text(r.get("actions", []))
        if r.get("resource") == "ec2":
            shown = ", ".join(names.get(m, m) for m in matched)
            state = ", ".join(f"{names.get(i, i)} {states.get(i, '?')}" for i in r.get("ids") or matched)
        else:
            shown, state = (f"{len(matched)} buckets" if matched else ""), bucket_state
        return [_event_label(inv.event, names), inv.function, shown or "-", outcome, state]

    def _expect(self, results, untagged, unencrypted, states, buckets):
        by = {}
        for inv in results:
            by.setdefault(inv.function, []).append(inv)
        fn = self.functions
        self.check("every invocation ran without error",
                   results and all(i.ok and (i.result or {}).get("status") == "ok" for i in results))
        stopped = [i for i in by.get(fn.get(TAG_POLICY), [])
                   if (i.result or {}).get("matched") == [untagged]
                   and i.event["detail"].get("eventName") == "RunInstances"]
        self.check(f"{TAG_POLICY} got RunInstances and stopped new-untagged",
                   stopped and states.get(untagged, "").startswith("stopped"))
        marked = [i for i in by.get(fn.get(VOLUME_POLICY), [])
                  if (i.result or {}).get("matched") == [unencrypted] and _did(i, "terminate")
                  and i.event["detail"].get("state") == "pending"
                  and (_did(i, "mark") or _did(i, "tag"))]
        self.check(f"{VOLUME_POLICY} got 'pending', ran mark and terminate on new-unencrypted",
                   marked and states.get(unencrypted, "").startswith("terminated"))
        self.check(f"{VOLUME_POLICY} did not terminate the encrypted new-untagged",
                   not states.get(untagged, "").startswith("terminated"))
        scheduled = by.get(fn.get(S3_POLICY), [])
        self.check(f"{S3_POLICY} schedule fired and saw every bucket",
                   scheduled and sorted((scheduled[0].result or {}).get("matched") or []) == sorted(buckets))


def run(echo=_print, policy_file=SEED, output_dir=None):
    """Run the demo; the exit code."""
    return Demo(echo, policy_file, output_dir).run()
