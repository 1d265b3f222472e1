"""Run output per policy, Cloud Custodian's layout: ``<dir>/<policy>/resources.json``,
``metadata.json`` and ``run.log``; ``s3://bucket/prefix`` writes the same objects to S3."""
import datetime
import json
import logging
import os
import tempfile
import threading

log = logging.getLogger("cloudmaid")


def _default(o):
    if isinstance(o, (datetime.datetime, datetime.date)):
        return o.isoformat()
    if isinstance(o, bytes):
        return o.decode("utf-8", "replace")
    if isinstance(o, set):
        return sorted(o)
    return str(o)


def dumps(data, indent=2):
    return json.dumps(data, default=_default, indent=indent)


class PolicyOutput:
    """Where one policy execution writes; local folder, S3 prefix or nowhere (None)."""

    def __init__(self, base, policy_name, session_factory=None):
        self.base = base
        self.policy_name = policy_name
        self.session_factory = session_factory
        self.s3 = bool(base) and base.startswith("s3://")
        if not base:
            self.dir = None
        elif self.s3:
            self.dir = tempfile.mkdtemp(prefix="maid-")
        else:
            self.dir = os.path.join(base, policy_name)
        self._handler = None

    def __enter__(self):
        if self.dir:
            os.makedirs(self.dir, exist_ok=True)
            self._handler = logging.FileHandler(os.path.join(self.dir, "run.log"), mode="w")
            self._handler.setFormatter(logging.Formatter(
                "%(asctime)s - %(name)s - %(levelname)s - %(message)s"))
            # policies running at once in threads (maid org run) each keep their own lines
            thread = threading.get_ident()
            self._handler.addFilter(lambda record: record.thread == thread)
            log.addHandler(self._handler)
            # run.log holds the policy's log at INFO whatever the console shows (-v or not)
            self._level = log.level
            if log.getEffectiveLevel() > logging.INFO:
                log.setLevel(logging.INFO)
        return self

    def __exit__(self, *exc):
        if self._handler:
            log.removeHandler(self._handler)
            log.setLevel(self._level)
            self._handler.close()
        if self.s3 and self.dir:
            self._upload()
        return False

    def write(self, name, data):
        if not self.dir:
            return
        with open(os.path.join(self.dir, name), "w") as fh:
            fh.write(dumps(data))

    def _upload(self):
        bucket, _, prefix = self.base[len("s3://"):].partition("/")
        key_prefix = "/".join(p for p in (prefix.strip("/"), self.policy_name) if p)
        client = self.session_factory.client("s3")
        for name in sorted(os.listdir(self.dir)):
            with open(os.path.join(self.dir, name), "rb") as fh:
                client.put_object(Bucket=bucket, Key=f"{key_prefix}/{name}", Body=fh.read())
