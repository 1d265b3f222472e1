"""``maid report``: what the last run matched, read from ``OUT/<policy>/resources.json``.

Columns follow Cloud Custodian's report: a resource type's default fields (its declaration's
``report``, else its id, name and date), plus ``--field
HEADER=EXPR`` columns (``tag:Key`` or JMESPath), plus ``Policy`` when several policies are
reported together.
"""
import csv
import io
import json
import os
import re

import jmespath

from .output import dumps
from .resources import catalog
from .resources.tagsource import tag_value
FORMATS = ("table", "csv", "json")
_HEADER = re.compile(r"^[\w .:/-]+$")


class ReportError(Exception):
    """A report that cannot be made; ``str()`` is one line."""


def default_fields(rtype):
    row = catalog.get(rtype)
    return row.report_fields() if row is not None else []


def columns(rtype, extra=(), defaults=True):
    """``[(header, expression)]``; ``extra`` items are ``HEADER=EXPR`` or a bare ``EXPR``."""
    cols = [(f, f) for f in default_fields(rtype)] if defaults else []
    for item in extra:
        header, sep, expr = item.partition("=")
        # a bare JMESPath may hold '=' itself (Tags[?Key=='x']): only a plain header splits
        if sep and _HEADER.match(header) and not expr.startswith("="):
            cols.append((header, expr))
        else:
            cols.append((item, item))
    return cols


def value(resource, expr):
    if expr.startswith("tag:"):
        return tag_value(resource, expr[4:])
    if expr in resource:
        return resource[expr]
    try:
        return jmespath.search(expr, resource)
    except jmespath.exceptions.JMESPathError:
        raise ReportError(f"invalid field expression '{expr}'") from None


def cell(v):
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        return json.dumps(v, default=str, separators=(",", ":"))
    return str(v)


def read_resources(output_dir, policy, region=None, session_factory=None):
    """The matched resources of ``policy``'s last run in ``output_dir`` (local or s3://)."""
    parts = [p for p in (region, policy, "resources.json") if p]
    if output_dir.startswith("s3://"):
        bucket, _, prefix = output_dir[5:].partition("/")
        key = "/".join([prefix.strip("/")] * bool(prefix.strip("/")) + parts)
        from botocore.exceptions import ClientError
        from .session import SessionFactory
        client = (session_factory or SessionFactory()).client("s3")
        try:
            body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError:
            raise ReportError(f"no output for policy '{policy}' at s3://{bucket}/{key} "
                              "(run it first with maid run)") from None
        return json.loads(body)
    path = os.path.join(output_dir, *parts)
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise ReportError(f"no output for policy '{policy}' at {path} "
                          "(run it first with maid run)") from None
    except (OSError, ValueError) as e:
        raise ReportError(f"cannot read {path}: {e}") from None


def report(policies, output_dir, fmt="table", extra=(), defaults=True, region=None,
           session_factory=None):
    """Render the report of ``policies`` (``[(name, resource_type)]``); returns the text."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown format '{fmt}' (use {', '.join(FORMATS)})")
    found = [(name, rtype, read_resources(output_dir, name, region, session_factory))
             for name, rtype in policies]
    if fmt == "json":
        many = len(found) > 1
        out = [dict(r, **({"maid:policy": name} if many else {}))
               for name, _, resources in found for r in resources]
        return dumps(out) + "\n"
    types = list(dict.fromkeys(rtype for _, rtype, _ in found))
    if fmt == "csv" and len(types) > 1:
        raise ReportError("csv needs policies of one resource type (got "
                          f"{', '.join(types)}); select some with -p")
    parts = []
    for rtype in types:
        group = [(n, rs) for n, t, rs in found if t == rtype]
        cols = columns(rtype, extra, defaults)
        if len(group) > 1:
            cols.append(("Policy", None))
        rows = [[name if expr is None else cell(value(r, expr)) for _, expr in cols]
                for name, resources in group for r in resources]
        headers = [h for h, _ in cols]
        if fmt == "csv":
            parts.append(to_csv(headers, rows))
        else:
            title = f"{rtype}: {sum(len(rs) for _, rs in group)} resource(s)"
            parts.append(title + "\n" + to_table(headers, rows))
    return "\n".join(parts)


def to_csv(headers, rows):
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue()


def to_table(headers, rows):
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip() + "\n"
    return line(headers) + line(["-" * w for w in widths]) + "".join(line(r) for r in rows)
