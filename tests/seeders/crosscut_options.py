"""Options for the actions registered for every type (copy-related-tag): what the no-writes
safety test gives them so that each seed has something to change.

copy-related-tag copies from the ``maid-safety`` queue the safety test's world creates with a
``maid-related`` tag; a JMESPath literal names that queue for every seed, whatever its type.
"""
from cloudmaid.resources.catalog import CATALOG

from . import ACCOUNT, REGION, action_options

RELATED_QUEUE = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/maid-safety"
COPY_RELATED = {"resource": "sqs", "key": f"'{RELATED_QUEUE}'", "tags": "*"}

for _rtype in CATALOG:
    action_options(_rtype, {"copy-related-tag": COPY_RELATED})
