"""ec2's ``offhour``/``onhour``: as everywhere (filters/offhours.py), but by default only
running instances can be turned off and only stopped ones on (``state-filter: false`` lifts
that), as Custodian's."""
from ...filters.base import filters
from ...filters.offhours import OffHour, OnHour

STATE = {"state-filter": {"type": "boolean"}}


class InstanceState:
    states = ()

    def matcher(self, now, event=None):
        match = super().matcher(now, event)
        if not self.data.get("state-filter", True):
            return match
        return lambda r: (r.get("State") or {}).get("Name") in self.states and match(r)

    def keys(self):
        return super().keys() | {"State"}


@filters.register("offhour", resources=("ec2",))
class InstanceOffHour(InstanceState, OffHour):
    """offhour on running instances (``state-filter: false``: any state)."""
    states = ("running",)
    schema = dict(OffHour.schema, **STATE)


@filters.register("onhour", resources=("ec2",))
class InstanceOnHour(InstanceState, OnHour):
    """onhour on stopped instances (``state-filter: false``: any state)."""
    states = ("stopped",)
    schema = dict(OnHour.schema, **STATE)
