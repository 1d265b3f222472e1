"""The ``event`` filter: a value filter evaluated against the triggering event, not the resource.

    - type: event
      key: detail.userIdentity.type
      value: Root

All resources pass when the event matches, none when it does not. Only meaningful in event
modes (validation rejects it in pull mode). Without an event (a run outside any event) nothing
matches: Cloud Custodian lets everything through there, which would act on every resource of
a policy written for one event; we fail closed instead.
"""
from .base import Filter, filters, now_of
from .value import VALUE_SCHEMA
from .valuetest import compile_value


@filters.register("event")
class EventFilter(Filter):
    predicate = False
    schema = VALUE_SCHEMA

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self.value_test = compile_value(self.data, manager)

    def validate(self):
        from .valuecheck import value_problems   # validation only: off the Lambda's imports
        return value_problems(self.data)

    def process(self, resources, event=None):
        return self.run(resources, event, now_of(self.manager))

    def run(self, resources, event, now):
        if event is None or not isinstance(event, dict):
            return []
        return resources if self.value_test.bind(now, event)(event) else []

    def keys(self):
        return set()
