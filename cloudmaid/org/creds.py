"""Credentials per account: the role (or role chain) assumed once per account and refreshed by
botocore before it expires, shared by the account's regions.

boto3 clients are thread-safe, sessions are not: every (account, region) gets its own session
over the account's one credentials object (botocore's RefreshableCredentials refreshes under
its own lock). Sessions share one botocore data loader, so service models are parsed once per
run rather than once per region.
"""
import datetime
import threading

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import Credentials, RefreshableCredentials, _local_now
from botocore.exceptions import BotoCoreError, ClientError

from ..policy import aws_error
from ..session import DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_MODE, ApiCallCounter, SessionFactory


class CredentialsError(Exception):
    """An account that cannot be reached; ``str()`` is one line."""


class Hub:
    """Where the run starts from: the caller's own credentials (``--profile`` or boto3's
    chain), the retry settings every client uses, and the count of STS calls made."""

    def __init__(self, profile=None, region=None, retry_mode=None, max_attempts=None,
                 session_name="cloudmaid"):
        self.profile = profile
        self.retry_mode, self.max_attempts = retry_mode, max_attempts
        self.region = SessionFactory(region=region).region
        self.config = Config(retries={"mode": retry_mode or DEFAULT_RETRY_MODE,
                                      "total_max_attempts": int(max_attempts or DEFAULT_MAX_ATTEMPTS)})
        self.session_name = session_name
        self.counter = ApiCallCounter()
        self._loader = botocore.session.get_session().get_component("data_loader")
        self._credentials = None
        self._lock = threading.Lock()

    def session(self, credentials=None, profile=None, region=None):
        """A new boto3 session (one per thread), on ``credentials`` if given."""
        core = botocore.session.Session(profile=profile)
        core.register_component("data_loader", self._loader)
        if credentials is not None:
            core._credentials = credentials   # as boto3's own assume-role providers do
        return boto3.Session(botocore_session=core, region_name=region or self.region)

    def credentials(self):
        with self._lock:
            if self._credentials is None:
                self._credentials = profile_credentials(self, self.profile, "the caller")
            return self._credentials

    def factory(self, credentials, region):
        """An engine SessionFactory for one (account, region), counting its own calls."""
        return SessionFactory(region=region, session=self.session(credentials, region=region),
                              retry_mode=self.retry_mode, max_attempts=self.max_attempts)


def profile_credentials(hub, profile, who):
    try:
        creds = hub.session(profile=profile).get_credentials()
    except BotoCoreError as e:
        raise CredentialsError(f"credentials of {who}: {aws_error(e)}") from None
    if creds is None:
        raise CredentialsError(f"no credentials for {who}"
                               + (f" (profile '{profile}')" if profile else ""))
    return creds


class AccountCredentials:
    """One account's credentials, obtained on first use; a failure is remembered, so an
    account that denies us is asked once, not once per region."""

    def __init__(self, account, hub, clock=_local_now):
        self.account, self.hub, self.clock = account, hub, clock
        self._value = self._error = None
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            if self._value is None and self._error is None:
                try:
                    self._value = self._obtain()
                except CredentialsError as e:
                    self._error = e
            if self._error is not None:
                raise self._error
            return self._value

    def factory(self, region):
        return self.hub.factory(self.get(), region)

    def _obtain(self):
        if not self.account.roles:
            return profile_credentials(self.hub, self.account.profile,
                                       f"account '{self.account.name}'")
        meta = self.assume()
        return RefreshableCredentials(meta["access_key"], meta["secret_key"], meta["token"],
                                      datetime.datetime.fromisoformat(meta["expiry_time"]),
                                      refresh_using=self.assume,
                                      method="assume-role", time_fetcher=self.clock)

    def assume(self):
        """Assume the account's roles in order from the caller's credentials (each with the
        account's ``external_id``, as c7n-org passes it); botocore calls it again to refresh."""
        creds = self.hub.credentials()
        for arn in self.account.roles:
            sts = self.hub.session(creds).client("sts", config=self.hub.config)
            self.hub.counter.attach(sts)
            params = {"RoleArn": arn, "RoleSessionName": self.hub.session_name}
            if self.account.external_id:
                params["ExternalId"] = self.account.external_id
            try:
                got = sts.assume_role(**params)["Credentials"]
            except (ClientError, BotoCoreError) as e:
                raise CredentialsError(f"assume role {arn} failed: {aws_error(e)}") from None
            creds = Credentials(got["AccessKeyId"], got["SecretAccessKey"], got["SessionToken"])
        return {"access_key": got["AccessKeyId"], "secret_key": got["SecretAccessKey"],
                "token": got["SessionToken"], "expiry_time": got["Expiration"].isoformat()}
