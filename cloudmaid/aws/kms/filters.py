"""KMS filters with Cloud Custodian's names and semantics: ``key-rotation-status``,
``cross-account`` (the key policy), ``grant-count``, ``last-rotation``, ``last-usage``. Each
API answer is read once per run and kept on the resource under Custodian's key."""
from botocore.exceptions import ClientError

from ...filters.base import Filter, filters, now_of
from ...filters.crossaccount import CrossAccountFilter
from ...filters.listitem import ListItemFilter
from ...filters.policydoc import Checker, account_of
from ...filters.value import ValueFilter
from ...resources.details import transient

KEYS = ("kms-key",)
BOTH = ("kms-key", "kms")
#: GetKeyRotationStatus answers these for keys that cannot rotate (imported, custom stores)
NO_ROTATION = ("AccessDeniedException", "UnsupportedOperationException")


def key_id(resource):
    """The key of a kms-key or of an alias (its target)."""
    return resource.get("TargetKeyId") or resource.get("KeyId")


@filters.register("key-rotation-status", resources=KEYS)
class KeyRotationStatus(ValueFilter):
    """A value filter over GetKeyRotationStatus's answer, kept in ``KeyRotationEnabled``
    (``key: KeyRotationEnabled`` reads its flag, as in Custodian). Keys that cannot answer
    (imported material, custom key stores, access denied) are matched against nothing."""
    predicate = False
    annotation = "KeyRotationEnabled"
    permissions = ("kms:GetKeyRotationStatus",)

    def process(self, resources, event=None):
        client = self.manager.client("kms")

        def fetch(key):
            try:
                answer = client.get_key_rotation_status(KeyId=key["KeyId"])
            except ClientError as e:
                if e.response["Error"]["Code"] not in NO_ROTATION:
                    raise
                return
            answer.pop("ResponseMetadata", None)
            key[self.annotation] = answer
        self.manager.cached(resources, self.annotation, fetch)
        match = self.matcher(now_of(self.manager), event)
        return [k for k in resources if match(k.get(self.annotation) or {})]

    def keys(self):
        return set()


class KmsChecker(Checker):
    """KMS's own condition keys: the caller's account must be allowed; the service a request
    comes through and the grant operations do not widen access (Custodian's rules)."""

    def condition_restricts(self, key, values):
        if key == "kms:calleraccount":
            return not {account_of(v) for v in values} - self.accounts
        if key in ("kms:viaservice", "kms:grantoperations"):
            return True
        return super().condition_restricts(key, values)


@filters.register("cross-account", resources=BOTH)
class KeyCrossAccount(CrossAccountFilter):
    """The key policy (for an alias, its key's) allows principals outside the account; the
    policy is kept in ``Policy``."""
    checker_class = KmsChecker
    permissions = ("kms:GetKeyPolicy",)

    def fetch_policies(self, resources):
        client = self.manager.client("kms")

        def fetch(resource):
            try:
                resource["Policy"] = client.get_key_policy(
                    KeyId=key_id(resource), PolicyName="default")["Policy"]
            except ClientError as e:
                if e.response["Error"]["Code"] != "NotFoundException":
                    raise
        self.manager.cached(resources, "Policy", fetch)


@filters.register("grant-count", resources=BOTH)
class GrantCount(Filter):
    """Keys (or aliases' keys) with at least ``min`` grants (default 5); the count is kept in
    ``GrantCount``."""
    predicate = False
    schema = {"min": {"type": "integer", "minimum": 0}}
    permissions = ("kms:ListGrants",)

    def process(self, resources, event=None):
        client = self.manager.client("kms")

        def fetch(resource):
            count = 0
            for page in client.get_paginator("list_grants").paginate(KeyId=key_id(resource)):
                count += len(page.get("Grants") or ())
            resource["GrantCount"] = count
        self.manager.cached(resources, "GrantCount", fetch)
        least = self.data.get("min", 5)
        return [r for r in resources if r.get("GrantCount", 0) >= least]


@filters.register("last-rotation", resources=KEYS)
class LastRotation(ValueFilter):
    """A value filter over the key's latest rotation (ListKeyRotations, the one with the
    latest ``RotationDate``; None for a key never rotated), kept in ``c7n:LastRotation``.
    Keys never rotated, or that cannot answer, have every key absent."""
    predicate = False
    annotation = "c7n:LastRotation"
    permissions = ("kms:ListKeyRotations",)

    def process(self, resources, event=None):
        client = self.manager.client("kms")

        def fetch(key):
            rotations = []
            try:
                for page in client.get_paginator("list_key_rotations").paginate(
                        KeyId=key["KeyId"]):
                    rotations.extend(page.get("Rotations") or ())
            except ClientError as e:
                if transient(e):   # throttled past the retries: unknown, not "never rotated"
                    raise
                # Custodian logs it and matches against None
            key[self.annotation] = max(rotations, key=lambda r: r.get("RotationDate") or 0) \
                if rotations else None
        self.manager.cached(resources, self.annotation, fetch)
        match = self.matcher(now_of(self.manager), event)
        return [k for k in resources if match(k.get(self.annotation) or {})]

    def keys(self):
        return set()


@filters.register("last-usage", resources=KEYS)
class LastUsage(ListItemFilter):
    """``list-item`` over the key's GetKeyLastUsage answer (``KeyLastUsage.Timestamp``,
    ``.Operation``, ``TrackingStartDate``, ...), kept as a one-item list in
    ``c7n:LastUsage``; a key that cannot answer has no item."""
    annotation = "c7n:LastUsage"
    schema = {k: v for k, v in ListItemFilter.schema.items() if k != "key"}
    required = ()
    permissions = ("kms:GetKeyLastUsage",)

    def __init__(self, data, manager=None, path=()):
        super().__init__(data, manager, path)
        self.key = self.annotation
        self.search = lambda r: r.get(self.annotation)

    def run(self, resources, event, now):
        client = self.manager.client("kms")

        def fetch(key):
            try:
                answer = client.get_key_last_usage(KeyId=key["KeyId"])
            except ClientError as e:
                if transient(e):
                    raise
                key[self.annotation] = []   # Custodian logs it: no item to match
                return
            answer.pop("ResponseMetadata", None)
            key[self.annotation] = [answer]
        self.manager.cached(resources, self.annotation, fetch)
        return super().run(resources, event, now)

    def keys(self):
        return set()
