"""``maid iam``: the IAM actions derived from a policy's row, elements and mode, and the
document printed."""
import json

import pytest
from click.testing import CliRunner

from cloudmaid.cli import main
from cloudmaid.iam import document, names, permissions

EC2 = {"name": "p", "resource": "ec2",
       "filters": [{"tag:Owner": "absent"},
                   {"or": [{"type": "security-group", "key": "GroupName", "value": "x"}]}],
       "actions": [{"type": "tag", "key": "a", "value": "b"}, "stop"]}


def test_operation_names_follow_the_service_authorization_reference():
    assert names.for_method("ec2", "describe_instances") == ("ec2:DescribeInstances",)
    assert names.for_method("cloudwatch", "get_metric_data") == ("cloudwatch:GetMetricData",)
    assert names.for_method("resourcegroupstaggingapi", "get_resources") == ("tag:GetResources",)
    assert names.for_method("efs", "describe_file_systems") == \
        ("elasticfilesystem:DescribeFileSystems",)
    assert names.for_method("s3", "list_buckets") == ("s3:ListAllMyBuckets",)
    assert names.for_method("s3", "get_bucket_encryption") == ("s3:GetEncryptionConfiguration",)
    assert names.for_method("lambda", "invoke") == ("lambda:InvokeFunction",)
    assert names.for_signing_name("monitoring", "PutMetricData") == ("cloudwatch:PutMetricData",)
    with pytest.raises(ValueError):
        names.for_method("ec2", "describe_nothing")


def test_permissions_come_from_the_row_the_elements_and_nested_blocks():
    # describe (row), security-group (inside an or block), tag narrowed to ec2's tagger, stop
    assert permissions(EC2) == ["ec2:CreateTags", "ec2:DescribeInstances",
                                "ec2:DescribeSecurityGroups", "ec2:StopInstances"]


def test_row_details_and_tag_source_are_read_permissions():
    found = permissions({"name": "p", "resource": "s3"})
    # the listing, a detail named differently in IAM, the tagging API
    assert {"s3:ListAllMyBuckets", "s3:GetLifecycleConfiguration", "s3:GetBucketPolicy",
            "tag:GetResources"} <= set(found)
    assert not any(p.startswith("logs:") for p in found)   # pull mode: no function


def test_event_mode_adds_the_functions_logs_member_role_and_s3_output():
    data = {"name": "p", "resource": "ec2",
            "mode": {"type": "cloudtrail", "role": "r", "events": ["RunInstances"],
                     "member-role": "arn:aws:iam::{account_id}:role/m",
                     "execution-options": {"output_dir": "s3://b/p"}}}
    found = set(permissions(data))
    assert {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
            "sts:AssumeRole", "s3:PutObject", "ec2:DescribeInstances"} <= found
    rule = {"name": "p", "resource": "ec2", "mode": {"type": "config-rule", "role": "r"}}
    assert "config:PutEvaluations" in permissions(rule)


def test_document_has_one_statement_per_service():
    doc = document(["s3:GetObject", "ec2:StopInstances", "ec2:CreateTags"])
    assert doc == {"Version": "2012-10-17", "Statement": [
        {"Sid": "Ec2", "Effect": "Allow", "Action": ["ec2:CreateTags", "ec2:StopInstances"],
         "Resource": "*"},
        {"Sid": "S3", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}


def write(tmp_path, policies):
    import yaml
    path = tmp_path / "p.yml"
    path.write_text(yaml.safe_dump({"policies": policies}))
    return str(path)


def test_cli_prints_one_document_per_policy_or_the_union(tmp_path):
    other = {"name": "q", "resource": "ebs", "actions": ["delete"]}
    path = write(tmp_path, [EC2, other])
    one = CliRunner().invoke(main, ["iam", path, "-p", "p"])
    assert one.exit_code == 0, one.output
    assert json.loads(one.output) == document(permissions(EC2))
    each = CliRunner().invoke(main, ["iam", path])
    assert json.loads(each.output) == {"p": document(permissions(EC2)),
                                       "q": document(permissions(other))}
    merged = CliRunner().invoke(main, ["iam", path, "--merge"])
    assert json.loads(merged.output) == document(permissions(EC2) + permissions(other))
    assert "ec2:DeleteVolume" in merged.output


def test_cli_bad_input_is_one_line_and_exit_1(tmp_path):
    path = write(tmp_path, [{"name": "p", "resource": "ec2", "actions": ["stopp"]}])
    result = CliRunner().invoke(main, ["iam", path])
    assert result.exit_code == 1
    assert "unknown action 'stopp'" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    bad = CliRunner().invoke(main, ["iam", write(tmp_path, [EC2]), "--account", "x"])
    assert bad.exit_code == 1 and "12-digit" in bad.output
