"""boto3 session and client factory: region, profile, assume-role, endpoint, retries, call counts.

Endpoints come from boto3's own configuration (``AWS_ENDPOINT_URL`` and friends), so the
sandbox, the AWS CLI and this factory all point at the same place without special cases.
Every client counts the API calls it makes (per ``service.Operation``) for metadata.json and
the benchmarks.
"""
import collections
import os
import threading

import boto3
from botocore.config import Config

DEFAULT_RETRY_MODE = "standard"
DEFAULT_MAX_ATTEMPTS = 5


class ApiCallCounter:
    """Counts API calls by ``service.Operation``; thread-safe, cheap."""

    def __init__(self):
        self.counts = collections.Counter()
        self._lock = threading.Lock()

    def __call__(self, model, **kwargs):
        with self._lock:
            self.counts[f"{model.service_model.service_name}.{model.name}"] += 1

    def total(self):
        return sum(self.counts.values())

    def snapshot(self):
        return dict(self.counts)

    def since(self, before):
        """Calls made since ``before`` (a snapshot)."""
        return {k: v - before.get(k, 0) for k, v in self.counts.items() if v - before.get(k, 0)}


class SessionFactory:
    def __init__(self, region=None, profile=None, assume_role=None, retry_mode=None,
                 max_attempts=None, session=None):
        self.region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        self.profile = profile
        self.assume_role = assume_role
        self.config = Config(retries={
            "mode": retry_mode or os.environ.get("AWS_RETRY_MODE") or DEFAULT_RETRY_MODE,
            "max_attempts": int(max_attempts or os.environ.get("AWS_MAX_ATTEMPTS") or DEFAULT_MAX_ATTEMPTS),
        })
        self.counter = ApiCallCounter()
        self._session = session
        self._clients = {}
        self._lock = threading.Lock()

    @property
    def session(self):
        if self._session is None:
            base = boto3.Session(profile_name=self.profile, region_name=self.region)
            self._session = self._assume(base) if self.assume_role else base
        return self._session

    def _assume(self, base):
        sts = base.client("sts", config=self.config)
        sts.meta.events.register("before-call", self.counter)
        creds = sts.assume_role(RoleArn=self.assume_role, RoleSessionName="cloudmaid")["Credentials"]
        return boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                             aws_secret_access_key=creds["SecretAccessKey"],
                             aws_session_token=creds["SessionToken"], region_name=self.region)

    def client(self, service, region=None):
        key = (service, region or self.region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.session.client(service, region_name=key[1], config=self.config)
                client.meta.events.register("before-call", self.counter)
                self._clients[key] = client
            return client

    def for_region(self, region):
        """A factory for another region sharing credentials and the call counter."""
        other = SessionFactory.__new__(SessionFactory)
        other.__dict__.update(self.__dict__)
        other.region = region
        other._clients = {}
        other._lock = threading.Lock()
        return other
