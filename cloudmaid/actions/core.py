"""Action base, the action registry and the parser from policy data to actions.

Actions batch their API calls. When a batch call fails, the resources its error names (an
instance gone, refused, in the wrong state) are failed and the rest retried in one call; an
error that names none of them is retried one resource at a time, so that one bad resource
cannot stop the others. An error about the caller rather than the resources (expired
credentials, throttling after botocore's retries, a lost connection) fails the batch without
the one-by-one retries, which would only repeat it; the next batch is tried again. Every
failure is recorded with the resource id and the AWS error, and makes the run's exit code 1.
"""
import logging

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from ..element import Element
from ..errors import PolicyError
from ..registry import Registry

actions = Registry("actions")
log = logging.getLogger("cloudmaid.actions")

#: what an AWS call raises: the service's answer, or botocore's own failure (no or expired
#: credentials that cannot be refreshed, a connection lost or timed out)
AWS_ERRORS = (ClientError, BotoCoreError)
#: error codes about the caller, not the resources of the call
CALLER_ERRORS = frozenset({
    "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired",
    "InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId",
    "AuthFailure", "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken",
    "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded",
    "RequestThrottled", "RequestThrottledException", "TooManyRequestsException", "SlowDown",
    "ServiceUnavailable", "InternalError", "InternalFailure", "Unavailable"})


def error_code(error):
    return error.response.get("Error", {}).get("Code") if isinstance(error, ClientError) else None


def about_caller(error):
    """True when ``error`` says nothing about the call's resources (retrying them one by one
    would only repeat it)."""
    if isinstance(error, ClientError):
        return error_code(error) in CALLER_ERRORS
    # a bad parameter may come from one resource's data; other botocore errors never do
    return not isinstance(error, ParamValidationError)


def error_text(error):
    """``Code: Message`` of an AWS error, ``Class: text`` of botocore's own, else the text."""
    if isinstance(error, ClientError):
        err = error.response.get("Error", {})
        return f"{err.get('Code')}: {err.get('Message')}"
    if isinstance(error, BotoCoreError):
        return f"{type(error).__name__}: {error}"
    return str(error)


class Action(Element):
    #: resources per API call
    batch_size = 100
    #: False for actions that change nothing a later describe would show (notify, ...)
    writes = True

    def run(self, resources):
        """Apply to ``resources``; returns the action's result record for metadata.json.
        An unexpected error keeps what was done before it in the record."""
        self.result = {"action": self.type, "resources": len(resources), "succeeded": 0,
                       "failed": []}
        self.notes = {}
        try:
            self.process(resources)
        except Exception as e:  # a bug, or an error no helper below caught
            log.exception("action:%s failed", self.type)
            self.result["failed"].append({"id": None, "error": f"{type(e).__name__}: {e}"
                                          if not isinstance(e, AWS_ERRORS) else error_text(e)})
        return self.result

    def process(self, resources):
        raise NotImplementedError

    # -- helpers for subclasses ---------------------------------------------------------
    def resource_ids(self, resources):
        return [self.manager.resource_id(r) for r in resources]

    def bad_ids(self, error, ids):
        """Which of ``ids`` a failed batch call's ``error`` names as the cause; the others
        are retried together. None named: they are retried one by one."""
        return set()

    def batched(self, resources, call, size=None, bad_ids=None):
        """``call(batch)`` per batch of at most ``size``; see the module docstring for what
        happens to a failing batch. ``bad_ids`` defaults to the action's."""
        size = size or self.batch_size
        bad_ids = bad_ids or self.bad_ids
        rid = self.manager.resource_id
        for start in range(0, len(resources), size):
            live = resources[start:start + size]
            while live:
                try:
                    call(live)
                except AWS_ERRORS as e:
                    if len(live) == 1 or about_caller(e):
                        for r in live:
                            self.fail(r, e)
                        break
                    named = bad_ids(e, [rid(r) for r in live]) \
                        if isinstance(e, ClientError) else set()
                    if named:
                        for r in live:
                            if rid(r) in named:
                                self.fail(r, e)
                        live = [r for r in live if rid(r) not in named]
                        continue
                    self.each(live, lambda r: call([r]))
                    break
                self.result["succeeded"] += len(live)
                break

    def each(self, resources, call):
        """``call(resource)`` per resource, failures recorded."""
        for r in resources:
            try:
                call(r)
                self.result["succeeded"] += 1
            except AWS_ERRORS as e:
                self.fail(r, e)

    def note(self, resource, text):
        """Something to say with the resource's failure, should it fail (what was tried)."""
        self.notes.setdefault(self.manager.resource_id(resource), []).append(text)

    def fail(self, resource, error):
        rid = self.manager.resource_id(resource) if self.manager else None
        message = error_text(error)
        notes = getattr(self, "notes", {}).get(rid)
        if notes:
            message += " (" + "; ".join(notes) + ")"
        self.result["failed"].append({"id": rid, "error": message})


def parse(data, manager, path=("actions",)):
    out = []
    for i, item in enumerate(data or ()):
        name = item.get("type") if isinstance(item, dict) else item
        cls = actions.get(name, manager.type if manager else "*")
        if cls is None:
            raise PolicyError(f"unknown action '{name}'", path + (i,))
        out.append(cls(item, manager))
    return out
