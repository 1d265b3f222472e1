"""security-group options for the generic tests: ``patch`` needs a ``diff`` filter in its policy,
and moto records no Config history for security groups, so the ``diff`` here sits in an ``or``
with a filter that matches the seed (patch then finds no revision to go back to:
tests/test_safety_no_writes.py NOTHING_TO_CHANGE; tests/test_aws_sg_depth.py patches a group
through the Stubber)."""
from . import action_filters

action_filters("security-group", {"patch": [
    {"or": [{"type": "diff"}, {"type": "value", "key": "GroupId", "value": "present"}]}]})
