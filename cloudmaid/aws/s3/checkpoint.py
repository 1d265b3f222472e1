"""Where a bucket scan stopped, kept beside the policy's run output (``<output>/<policy>/
<name>.json``, a local folder or an ``s3://`` prefix), so that the next run of the same
policy with the same output continues there. Without an output nothing is kept: each run
starts over."""
import json
import os

from botocore.exceptions import ClientError


class Checkpoint:
    def __init__(self, manager, name):
        self.manager = manager
        self.base = getattr(manager.ctx, "output_dir", None)
        self.name = f"{name}.json"
        self.policy = getattr(manager, "policy_name", None) or "policy"
        self.state = self._read()

    def get(self, bucket):
        return self.state.get(bucket)

    def set(self, bucket, position):
        """Record ``position`` (None: the bucket's scan completed) and write it out."""
        if position is None:
            self.state.pop(bucket, None)
        else:
            self.state[bucket] = position
        self._write()

    # -- storage -------------------------------------------------------------------------
    def _s3(self):
        bucket, _, prefix = self.base[len("s3://"):].partition("/")
        key = "/".join(p for p in (prefix.strip("/"), self.policy, self.name) if p)
        return self.manager.ctx.session_factory.client("s3"), bucket, key

    def _read(self):
        if not self.base:
            return {}
        try:
            if self.base.startswith("s3://"):
                client, bucket, key = self._s3()
                text = client.get_object(Bucket=bucket, Key=key)["Body"].read()
            else:
                with open(os.path.join(self.base, self.policy, self.name)) as fh:
                    text = fh.read()
        except (OSError, ClientError):
            return {}
        try:
            found = json.loads(text)
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}

    def _write(self):
        if not self.base:
            return
        text = json.dumps(self.state, indent=1, sort_keys=True)
        if self.base.startswith("s3://"):
            client, bucket, key = self._s3()
            client.put_object(Bucket=bucket, Key=key, Body=text.encode())
            return
        folder = os.path.join(self.base, self.policy)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, self.name), "w") as fh:
            fh.write(text)
