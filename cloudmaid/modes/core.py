"""Mode base and registry, and the pull (poll) mode.

A mode decides how resources enter the pipeline: pull/periodic list them; event modes read
ids out of an event and fetch those. Event modes also render the EventBridge rule they need.
"""
from ..element import Element
from ..registry import Registry

modes = Registry("modes")


class Mode(Element):
    #: deployed as a Lambda function (everything except pull)
    event_mode = False

    def __init__(self, data, policy):
        super().__init__(data or {"type": "pull"}, policy.manager if policy else None)
        self.policy = policy

    def resources(self, event=None):
        """The resources this execution considers, before filters."""
        return self.manager.resources()


@modes.register("pull")
class PullMode(Mode):
    pass
