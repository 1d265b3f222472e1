"""The IAM credential report and the iam-user ``credential`` filter (Cloud Custodian's).

The report is read once per run and account (generated first when there is none, or when
the one there is older than ``report_max_age`` seconds; never in a dry run, as generating is
a write) and parsed into Custodian's shape: ``N/A``/``no_information`` become null,
``true``/``false`` booleans, and the numbered columns (``access_key_1_active``, ``cert_2_last_rotated`` ...) lists of mappings under
``access_keys`` and ``certs`` (an entry only for a key or certificate that exists).
"""
import csv
import datetime
import io
import time

from botocore.exceptions import ClientError

from ...filters.core import filters
from ...filters.value import VALUE_SCHEMA, ValueFilter
from .common import USER, BatchFilter, code, merge_annotation, value_data

KEYS = ("user", "arn", "user_creation_time", "password_enabled", "password_last_used",
        "password_last_changed", "password_next_rotation", "mfa_active", "access_keys",
        "access_keys.active", "access_keys.last_used_date", "access_keys.last_used_region",
        "access_keys.last_used_service", "access_keys.last_rotated", "certs", "certs.active",
        "certs.last_rotated")
SUB_OBJECTS = (("access_key_1_", "access_keys"), ("access_key_2_", "access_keys"),
               ("cert_1_", "certs"), ("cert_2_", "certs"))
#: Custodian's annotation of the keys (report entries or access keys) a user matched
MATCHED = "c7n:matched-keys"
DEFAULTS = {"report_generate": True, "report_delay": 10, "report_max_age": 60 * 60 * 24}
#: seconds between two reads while AWS generates the report
POLL = 1
sleep = time.sleep


def parse(content):
    """The report's CSV -> ``{user name: record}`` in Custodian's shape."""
    if isinstance(content, bytes):
        content = content.decode("utf-8")
    rows = csv.reader(io.StringIO(content))
    headers = next(rows, None) or []
    return {rec["user"]: rec for rec in (record(dict(zip(headers, line))) for line in rows)
            if "user" in rec}


def record(info):
    out = {}
    for k, v in info.items():
        out[k] = None if v in ("N/A", "no_information") else \
            False if v == "false" else True if v == "true" else v
    for prefix, target in SUB_OBJECTS:
        sub = {k[len(prefix):]: out.pop(k) for k in list(out) if k.startswith(prefix)}
        if sub.get("active") or sub.get("last_rotated"):
            out.setdefault(target, []).append(sub)
    return out


def current(client, max_age, now):
    """The report AWS has, or None when there is none or it is older than ``max_age``."""
    try:
        report = client.get_credential_report()
    except ClientError as e:
        if code(e) in ("ReportNotPresent", "ReportExpired"):
            return None
        if code(e) != "ReportInProgress":
            raise
        return None   # someone else's generation: wait for it below
    generated = report.get("GeneratedTime")
    if generated is not None:
        if generated.tzinfo is None:
            generated = generated.replace(tzinfo=datetime.timezone.utc)
        if generated < now - datetime.timedelta(seconds=max_age):
            return None
    return report


def generated(client, delay):
    """Ask for a new report and read it, waiting up to ``delay`` seconds for AWS."""
    client.generate_credential_report()
    waited = 0
    while True:
        try:
            return client.get_credential_report()
        except ClientError as e:
            if code(e) not in ("ReportInProgress", "ReportNotPresent") or waited >= delay:
                raise
        sleep(POLL)
        waited += POLL


def report(manager, options, now):
    """``{user: record}`` of the context's account, read once per run."""
    key = ("iam-credential-report", manager.ctx.account_id)
    cache = manager.ctx.cache
    if key not in cache:
        client = manager.client("iam")
        found = current(client, options["report_max_age"], now)
        if found is None:
            if not options["report_generate"]:
                raise absent("report_generate is false")
            if manager.ctx.dryrun:
                # generating one is a write (the report is created): not in a dry run
                raise absent("a dry run does not generate one (run once without --dryrun, "
                             "or aws iam generate-credential-report)")
            found = generated(client, options["report_delay"])
        cache[key] = parse(found["Content"])
    return cache[key]


def absent(why):
    return ClientError({"Error": {
        "Code": "ReportNotPresent",
        "Message": f"no credential report younger than report_max_age, and {why}"}},
        "GetCredentialReport")


@filters.register("credential", resources=USER)
class CredentialReport(BatchFilter):
    """A value filter over the user's credential report record: ``key`` one of its columns,
    or ``access_keys.<column>``/``certs.<column>`` to match each key or certificate (those
    matched are kept in ``c7n:matched-keys``, which ``remove-keys: {matched: true}`` reads).
    The record of a matched user is kept in ``c7n:credential-report``."""
    schema = {"key": {"enum": list(KEYS)}, "value": VALUE_SCHEMA["value"],
              "op": VALUE_SCHEMA["op"], "value_type": VALUE_SCHEMA["value_type"],
              "report_generate": {"type": "boolean"}, "report_delay": {"type": "number"},
              "report_max_age": {"type": "number"}}
    required = ("key",)
    permissions = ("iam:GenerateCredentialReport", "iam:GetCredentialReport")
    annotation = "c7n:credential-report"

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        vf = value_data(self.data, tuple(DEFAULTS))
        self.prefix = None
        if "." in (vf.get("key") or ""):
            self.prefix, vf["key"] = vf["key"].split(".", 1)
        self.vf = ValueFilter(vf, manager)
        self.options = {k: self.data.get(k, d) for k, d in DEFAULTS.items()}

    def validate(self):
        from ...filters.valuecheck import value_problems   # validation only
        return value_problems(self.vf.data)

    def process(self, resources, event=None):
        now = self.clock()
        found = report(self.manager, self.options, now)
        match = self.vf.matcher(now, event)
        out = []
        for r in resources:
            info = found.get(r["UserName"])
            if info is not None and self.decide(r, info, match):
                r[self.annotation] = info
                out.append(r)
        return out

    def decide(self, resource, info, match):
        if self.prefix is None:
            return match(info)
        matched = [dict(k, **{"c7n:match-type": "credential"})
                   for k in info.get(self.prefix) or () if match(k)]
        merge_annotation(resource, MATCHED, matched)
        return bool(matched)

