"""Lambda actions with Cloud Custodian's names, keys and semantics. One function per call;
``Action.each`` records a failure and carries on; a function already gone counts as done."""
import jmespath
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...actions.statements import RemoveStatementsAction
from ...filters import policydoc
from ...resources import details
from .filters import layer_policy

FN = ("lambda",)
LAYER = ("lambda-layer",)


def ignore_gone(call, **params):
    try:
        call(**params)
    except ClientError as e:
        if not details.not_found(e.response["Error"]["Code"]):
            raise


def sids(policy):
    """The statement ids of a policy document (its JSON text or dict; None: no statements)."""
    return [s["Sid"] for s in policydoc.statements(policy) if s.get("Sid")]


@actions.register("delete", resources=FN)
class DeleteFunction(Action):
    """DeleteFunction (its versions and aliases go with it)."""
    schema = {}
    permissions = ("lambda:DeleteFunction",)

    def process(self, resources):
        client = self.manager.client()
        self.each(resources, lambda f: ignore_gone(client.delete_function,
                                                   FunctionName=f["FunctionName"]))


@actions.register("set-concurrency", resources=FN)
class SetConcurrency(Action):
    """Set the reserved concurrency to ``value`` (null: remove the reservation); with
    ``expr: true`` the value is a JMESPath read from each function (functions where it
    finds nothing are skipped)."""
    schema = {"expr": {"type": "boolean"},
              "value": {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}}
    required = ("value",)
    permissions = ("lambda:DeleteFunctionConcurrency", "lambda:PutFunctionConcurrency")

    def validate(self):
        value = self.data.get("value")
        if self.data.get("expr"):
            if not isinstance(value, str):
                return [(("value",), "with expr: true, value is a JMESPath expression")]
            try:
                jmespath.compile(value)
            except jmespath.exceptions.JMESPathError as e:
                return [(("value",), f"invalid JMESPath expression: {e}")]
        elif isinstance(value, str):
            return [(("value",), "value is an integer or null (or set expr: true)")]
        return []

    def process(self, resources):
        client = self.manager.client()
        expr = jmespath.compile(self.data["value"]) if self.data.get("expr") else None
        skipped = self.result["skipped"] = []

        def apply(function):
            value = self.data["value"]
            if expr is not None:
                value = expr.search(function)
                if isinstance(value, float):
                    value = int(value)
                if not isinstance(value, int) or isinstance(value, bool):
                    skipped.append(function["FunctionName"])
                    return
            if value is None:
                client.delete_function_concurrency(FunctionName=function["FunctionName"])
            else:
                client.put_function_concurrency(FunctionName=function["FunctionName"],
                                                ReservedConcurrentExecutions=value)
        self.each(resources, apply)


@actions.register("remove-statements", resources=FN)
class RemoveFunctionStatements(RemoveStatementsAction):
    """Remove statements of the function's resource policy (RemovePermission per Sid)."""
    policy_key = "c7n:Policy"
    permissions = ("lambda:GetPolicy", "lambda:RemovePermission")

    def set_policy(self, resource, policy):
        keep = set(sids(policy))
        client = self.manager.client()
        for sid in sids(resource.get(self.policy_key)):
            if sid not in keep:
                ignore_gone(client.remove_permission, FunctionName=resource["FunctionName"],
                            StatementId=sid)


@actions.register("remove-statements", resources=LAYER)
class RemoveLayerStatements(RemoveStatementsAction):
    """Remove statements of the layer version's policy (RemoveLayerVersionPermission)."""
    policy_key = "c7n:Policy"
    permissions = ("lambda:GetLayerVersionPolicy", "lambda:RemoveLayerVersionPermission")

    def fetch_policies(self, resources):
        details.pmap(lambda r: layer_policy(self.manager, r), resources)

    def set_policy(self, resource, policy):
        keep = set(sids(policy))
        client = self.manager.client()
        for sid in sids(resource.get(self.policy_key)):
            if sid not in keep:
                ignore_gone(client.remove_layer_version_permission,
                            LayerName=resource["LayerName"], VersionNumber=resource["Version"],
                            StatementId=sid)


@actions.register("delete", resources=LAYER)
class DeleteLayerVersion(Action):
    schema = {}
    permissions = ("lambda:DeleteLayerVersion",)

    def process(self, resources):
        client = self.manager.client()
        self.each(resources, lambda r: ignore_gone(
            client.delete_layer_version, LayerName=r["LayerName"], VersionNumber=r["Version"]))
