"""The IAM actions a policy needs, derived from what it is made of: its resource type's row
(listing, get by ids, details, tag source), the manager's own calls, its filters and actions
(their declared ``permissions``, tag actions narrowed to the type's tagger) and its mode (the
function's logs, the event source's calls, a member role, S3 output, and what Lambda does
with the role for the function's VPC, tracing and dead-letter settings)."""
import json
import types

from ..actions import core as actions_core
from ..errors import PolicyError
from ..filters import core as filters_core
from ..modes import modes
from ..policy import load_plugins
from ..resources import catalog, tagsource
from ..resources.manager import ResourceManager
from . import names

VERSION = "2012-10-17"


def resource_permissions(row, manager_cls=ResourceManager, source=None):
    """The reads of type ``row``: listing, get by ids, details and tags (from the row) plus
    what its manager class declares beyond them."""
    if source == "config":
        ops = [("config", "select_resource_config"), ("config", "list_discovered_resources"),
               ("config", "batch_get_resource_config")]
    else:
        ops = [(row.service, row.enum_op)]
        if row.get:
            ops.append((row.service, row.get.op))
        ops.extend((row.service, d.op) for d in row.details)
    out = [p for service, op in ops for p in names.for_method(service, op)]
    if row.tags == tagsource.TAGGING_API and source != "config":
        out.extend(names.for_method("resourcegroupstaggingapi", "get_resources"))
    out.extend(getattr(manager_cls, "permissions", ()))
    return out


def elements(items):
    """Every element of a parsed filter list, the children of or/and/not blocks included."""
    for item in items:
        yield item
        yield from elements(getattr(item, "children", ()))


def permissions(policy_data):
    """The sorted IAM actions policy ``policy_data`` (its dict form, valid) calls. Raises
    PolicyError for a policy the runtime could not build."""
    load_plugins(policy_data)
    name = policy_data.get("resource")
    row = catalog.get(name)
    if row is None:
        raise PolicyError(f"unknown resource '{name}'", ("resource",))
    manager = ResourceManager.for_type(None, name, policy_data.get("query"),
                                       policy_data.get("source"))
    found = resource_permissions(row, type(manager), policy_data.get("source"))
    parsed = list(filters_core.parse(policy_data.get("filters"), manager))
    parsed += list(filters_core.parse(policy_data.get("conditions"), None, ("conditions",)))
    parsed += list(actions_core.parse(policy_data.get("actions"), manager))
    for element in elements(parsed):
        found.extend(element.permissions)
        for other in getattr(element, "reads", ()):   # related resources it looks up
            found.extend(resource_permissions(catalog.get(other),
                                              type(ResourceManager.for_type(None, other))))
        if hasattr(element, "embedded_data"):   # a policy it runs (account's missing)
            found.extend(permissions(element.embedded_data()))
    mode_data = policy_data.get("mode") or {"type": "pull"}
    mode_cls = modes.get(mode_data.get("type", "pull"))
    if mode_cls is None:
        raise PolicyError(f"unknown mode '{mode_data.get('type')}'", ("mode", "type"))
    stub = types.SimpleNamespace(name=policy_data.get("name"), data=policy_data,
                                 raw=policy_data, resource_type=name, manager=manager, ctx=None)
    mode = mode_cls(mode_data, stub)
    found.extend(getattr(mode, "function_permissions", lambda: mode.permissions)())
    if mode_cls.event_mode:
        found.extend(lambda_permissions(mode_data))
    return sorted(set(found))


#: what Lambda itself does with the execution role for a function's settings
VPC = ("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
       "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
       "ec2:UnassignPrivateIpAddresses")          # AWSLambdaVPCAccessExecutionRole
TRACING = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")
DEAD_LETTER = {"sqs": "sqs:SendMessage", "sns": "sns:Publish"}


def lambda_permissions(mode_data):
    """The execution role's actions Lambda needs to honour the mode's function settings: a
    VPC's network interfaces, active tracing, the dead-letter queue or topic."""
    out = list(VPC) if mode_data.get("subnets") else []
    if (mode_data.get("tracing_config") or {}).get("Mode") == "Active":
        out.extend(TRACING)
    target = (mode_data.get("dead_letter_config") or {}).get("TargetArn") or ""
    service = target.split(":")[2] if target.count(":") >= 2 else ""
    if service in DEAD_LETTER:
        out.append(DEAD_LETTER[service])
    return out


def document(actions):
    """An IAM policy document allowing ``actions`` (sorted IAM action names): one statement
    per service, on every resource."""
    by_service = {}
    for action in sorted(set(actions)):
        by_service.setdefault(action.split(":", 1)[0], []).append(action)
    return {"Version": VERSION, "Statement": [
        {"Sid": sid(service), "Effect": "Allow", "Action": acts, "Resource": "*"}
        for service, acts in sorted(by_service.items())]}


def sid(service):
    """A statement id (alphanumeric) naming the service."""
    return "".join(part.capitalize() for part in service.replace("_", "-").split("-"))


def render(doc):
    return json.dumps(doc, indent=2)
