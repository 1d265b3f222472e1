"""cfn: Custodian's stack shape, tags written through UpdateStack, and its actions against
moto."""
import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager

from .seeders.cloudformation import TEMPLATE


def run(ctx, filters=(), actions=()):
    return Policy({"name": "pol", "resource": "cfn", "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


@pytest.fixture
def cfn(aws):
    return boto3.client("cloudformation", region_name="us-east-1")


def stack(cfn, name, **kw):
    return cfn.create_stack(StackName=name, TemplateBody=TEMPLATE,
                            Tags=[{"Key": "Name", "Value": name}], **kw)["StackId"]


def test_shape(ctx, cfn):
    sid = stack(cfn, "web")
    m = ResourceManager.for_type(ctx, "cfn")
    [s] = m.resources()
    assert s["StackName"] == "web" and m.arn(s) == sid
    assert s["Tags"] == [{"Key": "Name", "Value": "web"}]
    assert [x["StackName"] for x in m.get_resources(["web", "gone"])] == ["web"]


def test_tags_through_update_stack_keep_newer_tags(ctx, cfn):
    stack(cfn, "web")
    m = ResourceManager.for_type(ctx, "cfn")
    listed = m.resources()
    # a tag set after the listing survives: the tagger reads the stack again
    cfn.update_stack(StackName="web", UsePreviousTemplate=True,
                     Tags=[{"Key": "Name", "Value": "web"}, {"Key": "late", "Value": "1"}])
    from cloudmaid.actions.taggers import for_manager
    for_manager(m).add(listed, {"owner": "me"})
    [s] = cfn.describe_stacks(StackName="web")["Stacks"]
    assert {t["Key"]: t["Value"] for t in s["Tags"]} == {"Name": "web", "late": "1",
                                                         "owner": "me"}
    for_manager(m).remove(listed, ["late", "Name"], values={"Name": "other"})
    [s] = cfn.describe_stacks(StackName="web")["Stacks"]
    assert {t["Key"] for t in s["Tags"]} == {"Name", "owner"}


def stubbed(ctx):
    """The cfn manager on a Stubber'd client: moto has no UpdateTerminationProtection and
    does not refuse to delete a protected stack."""
    from botocore.stub import Stubber
    client = boto3.client("cloudformation", region_name="us-east-1")
    manager = ResourceManager.for_type(ctx, "cfn")
    manager.client = lambda *a, **k: client
    return manager, Stubber(client)


STACKS = [{"StackName": "guarded"}, {"StackName": "plain"}]
PROTECTED = "Stack [guarded] cannot be deleted while TerminationProtection is enabled"


def test_set_protection(ctx):
    from cloudmaid.aws.cloudformation.actions import SetProtection
    manager, stub = stubbed(ctx)
    with stub:
        for name in ("guarded", "plain"):
            stub.add_response("update_termination_protection", {"StackId": name}, {
                "StackName": name, "EnableTerminationProtection": True})
        stub.add_response("update_termination_protection", {"StackId": "plain"}, {
            "StackName": "plain", "EnableTerminationProtection": False})
        on = SetProtection({"type": "set-protection", "state": True}, manager)
        assert on.run(STACKS)["succeeded"] == 2
        assert SetProtection("set-protection", manager).run(STACKS[1:])["succeeded"] == 1
        stub.assert_no_pending_responses()


def test_delete_protected_only_with_force(ctx):
    from cloudmaid.aws.cloudformation.actions import Delete
    manager, stub = stubbed(ctx)
    with stub:
        stub.add_client_error("delete_stack", "ValidationError", PROTECTED,
                              expected_params={"StackName": "guarded"})
        stub.add_response("delete_stack", {}, {"StackName": "plain"})
        result = Delete("delete", manager).run(STACKS)
        assert [f["id"] for f in result["failed"]] == ["guarded"] and result["succeeded"] == 1
        stub.add_client_error("delete_stack", "ValidationError", PROTECTED,
                              expected_params={"StackName": "guarded"})
        stub.add_response("update_termination_protection", {"StackId": "guarded"}, {
            "StackName": "guarded", "EnableTerminationProtection": False})
        stub.add_response("delete_stack", {}, {"StackName": "guarded"})
        assert Delete({"type": "delete", "force": True}, manager).run(STACKS[:1])["succeeded"] == 1
        stub.assert_no_pending_responses()


def test_delete(ctx, cfn):
    stack(cfn, "keep")
    stack(cfn, "gone")
    run(ctx, [{"StackName": "gone"}], ["delete"])
    assert [s["StackName"] for s in cfn.describe_stacks()["Stacks"]
            if s["StackStatus"] != "DELETE_COMPLETE"] == ["keep"]
