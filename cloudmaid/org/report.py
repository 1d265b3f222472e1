"""``maid org report``: what the last ``maid org run`` matched in every account and region,
read from ``OUT/<account>/<region>/<policy>/resources.json``, with c7n-org's leading
``Account``, ``Region``, ``Policy`` columns, then the resource type's own (as ``maid report``).

Each (account, region) the selection covers must have run: one that failed (its
``maid-org.json`` says why) or has no output at all is listed, and makes the exit code 1.
"""
import json
import os

from .. import report as single
from ..output import dumps
from . import accounts as accounts_mod
from .runner import STATUS, join

PREFIX = (("Account", "account"), ("Region", "region"), ("Policy", "policy"))


def report(accounts, specs, output_dir, fmt="table", extra=(), defaults=True, regions=(),
           session_factory=None):
    """``(text, problems)``: the rendered report and one line per account/region that failed
    or never ran."""
    if fmt not in single.FORMATS:
        raise single.ReportError(f"unknown format '{fmt}' (use {', '.join(single.FORMATS)})")
    store = Store(output_dir, session_factory)
    records, problems = [], []
    for account in accounts:
        here, _ = accounts_mod.policies_for(account, specs)
        types = {s.name: s.data["resource"] for s in here}
        wanted = accounts_mod.regions_for(account, regions)
        found = wanted
        if "all" in wanted:   # the regions the run found (written beside them)
            listed = store.status(account.name) or {}
            if listed.get("status") == "failed":
                problems.extend(f"{account.name}: failed: {e}" for e in listed.get("errors") or ["?"])
                continue
            found = listed.get("regions") or []
        if not found:
            problems.append(f"{account.name}: no output in {join(output_dir, account.name)} "
                            "(run it first with maid org run)")
        for region in found:
            where = join(output_dir, account.name, region)
            status = store.status(account.name, region)
            if status is None:
                problems.append(f"{account.name}/{region}: no output in {where} "
                                "(run it first with maid org run)")
                continue
            if status.get("status") != "ok":
                problems.extend(f"{account.name}/{region}: failed: {e}"
                                for e in status.get("errors") or ["?"])
            for name in status.get("policies") or ():
                if name not in types:
                    continue   # ran then, not selected now
                try:
                    resources = single.read_resources(where, name, None, store.factory())
                except single.ReportError as e:
                    if status.get("status") == "ok":
                        problems.append(f"{account.name}/{region}: {e}")
                    continue
                for r in resources:
                    records.append((types[name], record(r, account, region, name)))
    return render(records, fmt, extra, defaults, problems), problems


def record(resource, account, region, policy):
    """A resource with c7n-org's report keys: account (name), region, policy and the account's
    ``key:value`` tags (``tag:key`` where the resource has that key already)."""
    out = dict(resource, account=account.name, region=region, policy=policy)
    for tag in account.tags:
        if ":" in tag:
            k, v = tag.split(":", 1)
            out["tag:" + k if k in resource else k] = v
    return out


def render(records, fmt, extra, defaults, problems):
    if fmt == "json":
        return dumps([r for _, r in records]) + "\n"
    types = list(dict.fromkeys(t for t, _ in records))
    if fmt == "csv" and len(types) > 1:
        raise single.ReportError("csv needs policies of one resource type (got "
                                 f"{', '.join(types)}); select some with -p")
    parts = []
    for rtype in types or ([] if fmt == "table" else [None]):
        cols = list(PREFIX) + (single.columns(rtype, extra, defaults) if rtype else [])
        rows = [[single.cell(single.value(r, expr)) for _, expr in cols]
                for t, r in records if t == rtype]
        headers = [h for h, _ in cols]
        if fmt == "csv":
            parts.append(single.to_csv(headers, rows))
        else:
            parts.append(f"{rtype}: {len(rows)} resource(s)\n" + single.to_table(headers, rows))
    if fmt == "table":
        if not records:
            parts.append("0 resource(s)\n")
        if problems:
            parts.append(f"failed or not run: {len(problems)}\n"
                         + "".join(f"  {p}\n" for p in problems))
    return "\n".join(parts)


class Store:
    """Reads a run's output folder, local or s3://."""

    def __init__(self, output_dir, session_factory=None):
        self.base, self._factory = output_dir, session_factory
        self.s3 = output_dir.startswith("s3://")

    def factory(self):
        if self._factory is None:
            from ..session import SessionFactory
            self._factory = SessionFactory()
        return self._factory

    def _split(self, *parts):
        bucket, _, prefix = self.base[5:].partition("/")
        return bucket, "/".join([p for p in [prefix.strip("/")] if p] + list(parts))

    def status(self, *parts):
        """The ``maid-org.json`` of ``account[/region]``, or None when it has none."""
        if self.s3:
            from botocore.exceptions import ClientError
            bucket, key = self._split(*parts, STATUS)
            try:
                body = self.factory().client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
            except ClientError:
                return None
            return json.loads(body)
        try:
            with open(os.path.join(self.base, *parts, STATUS), encoding="utf-8") as fh:
                return json.load(fh)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, ValueError) as e:
            return {"status": "failed", "errors": [f"cannot read {STATUS}: {e}"]}
