"""``invoke-lambda``: hand the matched resources to a Lambda function, Cloud Custodian's keys
and payload ``{version, event, account_id, account, region, action, policy, resources}``
(``vars`` too when given), ``batch_size`` resources (250) per invocation, asynchronously
unless ``async: false`` (then ``timeout`` seconds, 90, per call). ``function`` (name or ARN),
``qualifier``, ``region``, ``assume-role`` (a role to invoke as)."""
from .. import __version__
from ..output import dumps
from .core import AWS_ERRORS, Action, actions
from .notify import account_alias


@actions.register("invoke-lambda")
class InvokeLambda(Action):
    """Invoke ``function`` with the resources, in batches."""
    writes = False
    schema = {"function": {"type": "string"}, "assume-role": {"type": "string"},
              "region": {"type": "string"}, "async": {"type": "boolean"},
              "qualifier": {"type": "string"}, "batch_size": {"type": "integer", "minimum": 1},
              "timeout": {"type": "integer", "minimum": 1}, "vars": {"type": "object"}}
    required = ("function",)
    permissions = ("lambda:InvokeFunction", "iam:ListAccountAliases")

    def client(self):
        from botocore.config import Config
        factory = self.manager.ctx.session_factory
        region = self.data.get("region") or self.manager.ctx.region
        config = factory.config.merge(Config(read_timeout=self.data.get("timeout", 90)))
        session = factory.session
        if self.data.get("assume-role"):
            import boto3
            creds = factory.client("sts").assume_role(
                RoleArn=self.data["assume-role"],
                RoleSessionName="LambdaAssumedRoleSession")["Credentials"]
            session = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                                    aws_secret_access_key=creds["SecretAccessKey"],
                                    aws_session_token=creds["SessionToken"])
        return session.client("lambda", region_name=region, config=config)

    def process(self, resources):
        m = self.manager
        params = {"FunctionName": self.data["function"]}
        if self.data.get("qualifier"):
            params["Qualifier"] = self.data["qualifier"]
        if self.data.get("async", True):
            params["InvocationType"] = "Event"
        payload = {"version": __version__, "event": getattr(m, "event", None),
                   "account_id": m.ctx.account_id, "account": account_alias(m),
                   "region": m.ctx.region, "action": self.data,
                   "policy": getattr(m, "policy_data", None)}
        if "vars" in self.data:
            payload["vars"] = self.data["vars"]
        client = self.client()
        size = self.data.get("batch_size", 250)
        for start in range(0, len(resources), size):
            batch = resources[start:start + size]
            try:
                answer = client.invoke(Payload=dumps(dict(payload, resources=batch), indent=None),
                                       **params)
            except AWS_ERRORS as e:
                for r in batch:
                    self.fail(r, e)
                continue
            if answer.get("FunctionError"):
                for r in batch:
                    self.fail(r, RuntimeError(f"{self.data['function']}: {answer['FunctionError']}"))
            else:
                self.result["succeeded"] += len(batch)
