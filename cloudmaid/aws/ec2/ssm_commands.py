"""``send-command`` (Cloud Custodian's): run a Systems Manager document on the matched
instances (SendCommand, 50 instances a call). ``command`` holds SendCommand's parameters
(``DocumentName``, ``Parameters`` ...), checked against its model at validation; the instances
are the matched ones. As in Custodian, an ec2 policy must use the ``ssm`` filter, so that
commands go only to instances SSM manages."""
from botocore.exceptions import ClientError, ParamValidationError

from ...actions.core import Action, actions

EC2 = ("ec2",)


def policy_filter_types(manager):
    """The filter types of the policy being validated (walking or/and/not blocks); None when
    unknown (the runtime, which validated before)."""
    data = getattr(manager, "policy_data", None)
    if not data:
        return None
    out, todo = [], list(data.get("filters") or ())
    while todo:
        f = todo.pop(0)
        if isinstance(f, dict) and len(f) == 1 and next(iter(f)) in ("or", "and", "not"):
            todo[:0] = list(next(iter(f.values())) or ())
        elif isinstance(f, dict):
            out.append(f.get("type"))
        elif isinstance(f, str):
            out.append(f)
    return out


@actions.register("send-command", resources=EC2)
class SendCommand(Action):
    """SendCommand with ``command`` for the matched instances; the command ids are kept in
    each instance's ``c7n:SendCommand`` and in the action's result."""
    schema = {"command": {"type": "object"}}
    required = ("command",)
    permissions = ("ssm:SendCommand",)
    batch_size = 50
    annotation = "c7n:SendCommand"

    def validate(self):
        command = self.data.get("command")
        if not isinstance(command, dict):
            return []
        named = [k for k in ("InstanceIds", "Targets") if k in command]
        if named:
            return [(("command", named[0]), "send-command sends to the matched instances: "
                                             f"remove {named[0]}")]
        import botocore.session   # validation only
        from botocore.validate import ParamValidator
        shape = botocore.session.get_session().get_service_model("ssm") \
            .operation_model("SendCommand").input_shape
        report = ParamValidator().validate(command, shape)
        if report.has_errors():
            lines = [line.strip() for line in report.generate_report().splitlines()]
            return [(("command",), "; ".join(line for line in lines if line))]
        found = policy_filter_types(self.manager)
        if found is not None and "ssm" not in found:
            return [((), "send-command on ec2 needs the ssm filter (so that commands go only "
                         "to instances Systems Manager manages)")]
        return []

    def process(self, resources):
        client = self.manager.client("ssm")
        self.result["commands"] = []

        def send(batch):
            try:
                command = client.send_command(InstanceIds=self.resource_ids(batch),
                                              **self.data["command"])["Command"]
            except ParamValidationError as e:   # refused before the call: the batch fails
                raise ClientError({"Error": {"Code": "ParamValidation", "Message": str(e)}},
                                  "SendCommand") from e
            self.result["commands"].append(command["CommandId"])
            for r in batch:
                r.setdefault(self.annotation, []).append(command["CommandId"])
        self.batched(resources, send)
