"""``value_from``: the value filter's list of values read from a file, S3 or HTTP(S).

    value_from:
      url: s3://bucket/allowed-amis.json     # or a local path, file://, https://
      format: json | csv | csv2dict | txt    # default: the url's extension
      expr: "[].ImageId"                     # JMESPath into json/csv2dict; column index for csv

Cloud Custodian's shapes: txt -> the set of stripped lines; csv -> the set of all cells (or of
one column when ``expr`` is an int); csv2dict -> columns by header, ``expr`` selects; json ->
the document or ``expr`` applied to it. Lists become sets. Read once per filter, on first use
(never during validation).
"""
import io
import itertools
import json
import os
import urllib.parse

from ..errors import PolicyError
from .keys import compile_path

FORMATS = ("json", "csv", "csv2dict", "txt")
SCHEMA = {"type": "object", "additionalProperties": False, "required": ["url"], "properties": {
    "url": {"type": "string"}, "format": {"enum": list(FORMATS)},
    "expr": {"type": ["string", "integer"]}, "headers": {"type": "object"},
    "query": {"type": "string"}}}


def read(url, manager=None):
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "s3":
        if manager is None or getattr(manager, "ctx", None) is None:
            raise PolicyError(f"value_from: cannot read {url} without an AWS session")
        body = manager.ctx.session_factory.client("s3").get_object(
            Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))["Body"].read()
        return body.decode("utf-8")
    if parsed.scheme in ("http", "https"):
        from urllib.request import urlopen   # https only: kept off the Lambda cold start
        with urlopen(url, timeout=30) as response:  # noqa: S310
            return response.read().decode("utf-8")
    path = parsed.path if parsed.scheme == "file" else url
    try:
        with open(os.path.expanduser(path), encoding="utf-8") as fh:
            return fh.read()
    except OSError as e:
        raise PolicyError(f"value_from: cannot read {url}: {e.strerror}") from None


def values(config, manager=None):
    """The values a ``value_from`` block names (a set for lists)."""
    url = config["url"]
    fmt = config.get("format") or os.path.splitext(urllib.parse.urlparse(url).path)[1][1:]
    if fmt not in FORMATS:
        raise PolicyError(f"value_from: unsupported format '{fmt}' for {url}")
    text = read(url, manager)
    expr = config.get("expr")

    def search(data):
        res = compile_path(expr)(data)
        return set(res) if isinstance(res, list) else res

    if fmt == "json":
        data = json.loads(text)
        return search(data) if expr is not None else data
    if fmt == "txt":
        return {line.strip() for line in io.StringIO(text).readlines()}
    import csv
    rows = list(csv.reader(io.StringIO(text)))
    if fmt == "csv2dict":
        data = {col[0]: list(col[1:]) for col in zip(*rows)}
        return search(data) if expr is not None else set(itertools.chain.from_iterable(data.values()))
    if isinstance(expr, int):
        return {row[expr] for row in rows if row}
    return search(rows) if expr is not None else set(itertools.chain.from_iterable(rows))
