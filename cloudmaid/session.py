"""boto3 session and client factory: region, profile, assume-role, endpoint, retries, call counts.

Endpoints come from boto3's own configuration (``AWS_ENDPOINT_URL`` and friends), so the
sandbox, the AWS CLI and this factory all point at the same place without special cases.
Every client counts the API calls it makes (per ``service.Operation``) for metadata.json and
the benchmarks, and the retries botocore made for them (throttled, 5xx, connection reset):
a call answered on its third attempt counts 2, one that gave up after 5 attempts counts 4.
"""
import collections
import os
import threading

import boto3
from botocore.config import Config

DEFAULT_RETRY_MODE = "standard"
DEFAULT_MAX_ATTEMPTS = 5
#: where a call's ``service.Operation`` waits in botocore's request context for its answer
_KEY = "cloudmaid.operation"


class ApiCallCounter:
    """Counts API calls and their retries by ``service.Operation``; thread-safe, cheap."""

    def __init__(self):
        self.counts = collections.Counter()
        self.retries = collections.Counter()
        self._lock = threading.Lock()

    def __call__(self, model, context=None, **kwargs):
        """botocore's ``before-call``: one per call, whatever its retries."""
        key = f"{model.service_model.service_name}.{model.name}"
        if context is not None:
            context[_KEY] = key   # for after_call, whose error event names no model
        with self._lock:
            self.counts[key] += 1

    def after_call(self, context=None, **kwargs):
        """botocore's ``after-call`` (an answer, error or not) and ``after-call-error`` (no
        answer: the connection failed on the last attempt): the retries the call took."""
        attempts = ((context or {}).get("retries") or {}).get("attempt", 1)
        if attempts > 1:
            with self._lock:
                self.retries[context.get(_KEY, "?")] += attempts - 1

    def attach(self, client):
        """Count ``client``'s calls and retries."""
        events = client.meta.events
        events.register("before-call", self)
        events.register("after-call", self.after_call)
        events.register("after-call-error", self.after_call)
        return client

    def total(self):
        return sum(self.counts.values())

    def snapshot(self):
        return dict(self.counts)

    def since(self, before):
        """Calls made since ``before`` (a snapshot)."""
        return _since(self.counts, before)

    def retries_snapshot(self):
        return dict(self.retries)

    def retries_since(self, before):
        """Retries made since ``before`` (a ``retries_snapshot``)."""
        return _since(self.retries, before)


def _since(counts, before):
    return {k: v - before.get(k, 0) for k, v in counts.items() if v - before.get(k, 0)}


class SessionFactory:
    def __init__(self, region=None, profile=None, assume_role=None, retry_mode=None,
                 max_attempts=None, session=None):
        self.region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        self.profile = profile
        self.assume_role = assume_role
        # total_max_attempts counts the first attempt (as AWS_MAX_ATTEMPTS does); botocore's
        # max_attempts would count retries only, one attempt more than asked
        self.config = Config(retries={
            "mode": retry_mode or os.environ.get("AWS_RETRY_MODE") or DEFAULT_RETRY_MODE,
            "total_max_attempts": int(max_attempts or os.environ.get("AWS_MAX_ATTEMPTS")
                                      or DEFAULT_MAX_ATTEMPTS),
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

    def _assume(self, base, clock=None):
        """A session on the role's credentials, assumed again shortly before they expire: a
        run (or a warm function serving a member account) may outlive one role session."""
        import botocore.session
        from botocore.credentials import RefreshableCredentials
        sts = self.counter.attach(base.client("sts", config=self.config))

        def fetch():
            c = sts.assume_role(RoleArn=self.assume_role, RoleSessionName="cloudmaid")["Credentials"]
            return {"access_key": c["AccessKeyId"], "secret_key": c["SecretAccessKey"],
                    "token": c["SessionToken"], "expiry_time": c["Expiration"].isoformat()}
        meta = fetch()
        extra = {"time_fetcher": clock} if clock is not None else {}
        creds = RefreshableCredentials(meta["access_key"], meta["secret_key"], meta["token"],
                                       _expiry(meta["expiry_time"]), refresh_using=fetch,
                                       method="assume-role", **extra)
        core = botocore.session.Session()
        core._credentials = creds   # as boto3's own assume-role provider does
        return boto3.Session(botocore_session=core, region_name=self.region)

    def client(self, service, region=None):
        key = (service, region or self.region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.counter.attach(
                    self.session.client(service, region_name=key[1], config=self.config))
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


def _expiry(text):
    import datetime
    return datetime.datetime.fromisoformat(text)
