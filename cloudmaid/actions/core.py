"""Action base, the action registry and the parser from policy data to actions.

Actions batch their API calls; when a batch call fails, the batch is retried one resource at
a time so that one bad resource cannot stop the others. Every failure is recorded with the
resource id and the AWS error, and makes the run's exit code 1.
"""
from botocore.exceptions import ClientError

from ..element import Element
from ..errors import PolicyError
from ..registry import Registry

actions = Registry("actions")


class Action(Element):
    #: resources per API call
    batch_size = 100
    #: False for actions that change nothing a later describe would show (notify, ...)
    writes = True

    def run(self, resources):
        """Apply to ``resources``; returns the action's result record for metadata.json."""
        self.result = {"action": self.type, "resources": len(resources), "succeeded": 0,
                       "failed": []}
        self.process(resources)
        return self.result

    def process(self, resources):
        raise NotImplementedError

    # -- helpers for subclasses ---------------------------------------------------------
    def resource_ids(self, resources):
        return [self.manager.resource_id(r) for r in resources]

    def batched(self, resources, call, size=None):
        """``call(batch)`` per batch of at most ``size``; a failing batch is retried one by one."""
        size = size or self.batch_size
        for start in range(0, len(resources), size):
            batch = resources[start:start + size]
            try:
                call(batch)
                self.result["succeeded"] += len(batch)
            except ClientError as e:
                if len(batch) == 1:
                    self.fail(batch[0], e)
                    continue
                for r in batch:
                    try:
                        call([r])
                        self.result["succeeded"] += 1
                    except ClientError as e1:
                        self.fail(r, e1)

    def each(self, resources, call):
        """``call(resource)`` per resource, failures recorded."""
        for r in resources:
            try:
                call(r)
                self.result["succeeded"] += 1
            except ClientError as e:
                self.fail(r, e)

    def fail(self, resource, error):
        if isinstance(error, ClientError):
            err = error.response.get("Error", {})
            message = f"{err.get('Code')}: {err.get('Message')}"
        else:
            message = str(error)
        rid = self.manager.resource_id(resource) if self.manager else None
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
