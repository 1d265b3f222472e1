"""Lambda seeders: functions (in a VPC, with a resource policy naming another account) and
layer versions (shared with another account)."""
import io
import json
import zipfile

from . import action_options, seeder
from .autoscaling import compute_network

OTHER_ACCOUNT = "210987654321"


def code():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def role(world):
    def make(w):
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole"}]}
        return w.client("iam").create_role(RoleName="maid-test-lambda",
                                           AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    return world.shared("lambda-role", make)


@seeder("lambda", "cloudtrail-create-function.json")
def function(world, label):
    client = world.client("lambda")
    _, subnets, group = compute_network(world)
    client.create_function(
        FunctionName=label, Runtime="python3.12", Role=role(world), Handler="app.handler",
        Code={"ZipFile": code()}, Tags=world.tags(label),
        VpcConfig={"SubnetIds": subnets[:1], "SecurityGroupIds": [group]})
    client.add_permission(FunctionName=label, StatementId="cross", Action="lambda:InvokeFunction",
                          Principal=OTHER_ACCOUNT)
    return [label]


@seeder("lambda-layer", "cloudtrail-publish-layer-version.json")
def layer(world, label):
    client = world.client("lambda")
    version = client.publish_layer_version(LayerName=label, Content={"ZipFile": code()},
                                           CompatibleRuntimes=["python3.12"])["Version"]
    client.add_layer_version_permission(LayerName=label, VersionNumber=version,
                                        StatementId="cross", Action="lambda:GetLayerVersion",
                                        Principal=OTHER_ACCOUNT)
    return [label]


action_options("lambda", {"set-concurrency": {"value": 5},
                          "remove-statements": {"statement_ids": ["cross"]}})
action_options("lambda-layer", {"remove-statements": {"statement_ids": ["cross"]}})
