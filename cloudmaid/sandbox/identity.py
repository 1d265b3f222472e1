"""Who made a call: the sandbox's IAM user, a function's role session, or the sandbox itself.

Lambda runs a function with temporary credentials of its execution role, so CloudTrail names
its calls ``AssumedRole`` with the function as session name. The sandbox does the same: each
invocation gets its own ``ASIA...`` key, and the calls signed with it are recorded under that
role session, one step further down the chain of function-caused events (dispatch.py stops a
chain where Lambda's recursive loop detection would). The sandbox's own calls (reading rules
and code, writing logs) use a key that is never recorded, as AWS's own service calls are not
in the account's trail.
"""
import datetime
import secrets
import threading
from dataclasses import dataclass

from . import trail

INTERNAL_KEY = "AKIASANDBOXSERVICE01"
SECRET = "testing"
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@dataclass(frozen=True)
class Caller:
    identity: dict       # CloudTrail userIdentity
    username: str        # LookupEvents' Username
    depth: int = 0       # how many function invocations led to this call
    function: str = None


def _iso(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


class Identities:
    def __init__(self, account_id):
        self.account_id = account_id
        self._sessions = {}
        self._lock = threading.Lock()

    def user(self, access_key):
        return Caller(trail.user_identity(self.account_id, access_key), "sandbox")

    def caller(self, access_key):
        """The Caller behind ``access_key``; None for the sandbox's own calls."""
        if access_key == INTERNAL_KEY:
            return None
        with self._lock:
            found = self._sessions.get(access_key)
        return found or self.user(access_key)

    def issue(self, function, role_arn, depth):
        """Credentials for one invocation of ``function`` (environment variables, as Lambda
        sets them), whose calls are recorded at ``depth``."""
        key = "ASIA" + "".join(secrets.choice(_ALPHABET) for _ in range(16))
        role_arn = role_arn or f"arn:aws:iam::{self.account_id}:role/unknown"
        role = role_arn.rsplit("/", 1)[-1]
        role_id = "AROA" + "".join(_ALPHABET[b % 32] for b in role.encode()[:16]).ljust(16, "A")
        now = datetime.datetime.now(datetime.timezone.utc)
        identity = {
            "type": "AssumedRole", "principalId": f"{role_id}:{function}",
            "arn": f"arn:aws:sts::{self.account_id}:assumed-role/{role}/{function}",
            "accountId": self.account_id, "accessKeyId": key,
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": role_id, "arn": role_arn,
                                  "accountId": self.account_id, "userName": role},
                "webIdFederationData": {},
                "attributes": {"creationDate": _iso(now), "mfaAuthenticated": "false"}}}
        with self._lock:
            self._sessions[key] = Caller(identity, function, depth, function)
        return {"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": SECRET,
                "AWS_SESSION_TOKEN": secrets.token_urlsafe(48)}
