"""post-finding imports Custodian-shaped findings into moto's Security Hub, tags new ones'
resources with the finding id, and updates the same finding on the next run."""
import boto3

from cloudmaid.policy import Policy
from cloudmaid.resources.tagsource import tag_map
from cloudmaid.validate import PolicyChecker

from .conftest import run_instances

ACTION = {"type": "post-finding", "types": ["Software and Configuration Checks/AWS Security Best Practices"],
          "severity_label": "HIGH", "compliance_status": "FAILED", "recommendation": "Tag it",
          "recommendation_url": "https://example.com/tag"}


def run(ctx, iid):
    return Policy({"name": "untagged-ec2", "resource": "ec2", "description": "Instances need tags",
                   "tags": ["team:core"], "filters": [{"InstanceId": iid}], "actions": [ACTION]},
                  ctx).run()


def test_findings_created_then_updated(ctx, ec2):
    (iid,) = run_instances(ec2)
    meta = run(ctx, iid)
    assert not meta["errors"], meta["errors"]
    hub = boto3.client("securityhub", region_name="us-east-1")
    (finding,) = hub.get_findings()["Findings"]
    assert finding["Title"] == "untagged-ec2" and finding["Description"] == "Instances need tags"
    assert finding["Severity"]["Label"] == "HIGH" and finding["Compliance"]["Status"] == "FAILED"
    assert finding["ProductArn"].endswith("product/cloud-custodian/cloud-custodian")
    assert finding["Resources"][0]["Type"] == "Other"
    assert finding["Resources"][0]["Id"].endswith(f"instance/{iid}")
    assert finding["ProductFields"]["team"] == "core"
    assert finding["Remediation"]["Recommendation"]["Url"] == "https://example.com/tag"
    tags = tag_map(ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0])
    mark = tags["c7n:FindingId:untagged-ec2"]
    assert mark.startswith(finding["Id"] + ":")
    run(ctx, iid)   # the same finding again, not a second one
    again = hub.get_findings()["Findings"]
    assert [f["Id"] for f in again] == [finding["Id"]]


def problems(action):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "ec2",
                                            "actions": [action]}).run()]


def test_validation():
    assert problems(ACTION) == []
    assert problems({"type": "post-finding"})
    assert any("namespace" in m for m in problems({"type": "post-finding", "types": ["Bogus/x"]}))
    assert problems(dict(ACTION, severity_label="SEVERE"))
