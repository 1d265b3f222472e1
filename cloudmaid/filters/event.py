"""The ``event`` filter: a value filter evaluated against the triggering event, not the resource.

    - type: event
      key: detail.userIdentity.type
      value: Root

All resources pass when the event matches, none when it does not. Only meaningful in event
modes (validation rejects it in pull mode). Without an event (a run outside any event) nothing
matches: Cloud Custodian lets everything through there, which would act on every resource of
a policy written for one event; we fail closed instead.
"""
from .core import Filter, filters
from .value import VALUE_SCHEMA, compile_value, value_problems


@filters.register("event")
class EventFilter(Filter):
    predicate = False
    schema = VALUE_SCHEMA

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self.fn = compile_value(self.data)

    def validate(self):
        return value_problems(self.data)

    def process(self, resources, event=None):
        if event is None or not isinstance(event, dict):
            return []
        return resources if self.fn(event) else []

    def keys(self):
        return set()
