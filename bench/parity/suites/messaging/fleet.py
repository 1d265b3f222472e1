"""The messaging suite's fleet: queues, topics, file systems, repositories, streams, log
groups, alarms, stacks and backup plans, some compliant and others not, each with a Name tag
saying what it is."""
import json

import boto3

REGION = "us-east-1"
ACCOUNT = "123456789012"
OTHER = "210987654321"


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(sid, account, action, resource="*"):
    s = {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": action}
    if resource:
        s["Resource"] = resource
    return s


def tags(name, key="Key", value="Value"):
    return [{key: "Name", value: name}]


def seed(endpoint):
    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name=REGION)

    def client(service):
        return session.client(service, endpoint_url=endpoint, region_name=REGION)
    summary = {}

    sqs = client("sqs")
    for name, attrs in (("queue-shared", {"Policy": document(allow("x", OTHER, "sqs:SendMessage"))}),
                        ("queue-private", {"Policy": document(allow("o", ACCOUNT, "sqs:*"))}),
                        ("queue-encrypted", {"KmsMasterKeyId": "alias/aws/sqs"}),
                        ("queue-plain", {})):
        sqs.create_queue(QueueName=name, Attributes=attrs, tags={"Name": name})
    summary["sqs"] = 4

    sns = client("sns")
    for name, attrs in (("topic-shared", {"Policy": document(allow("x", OTHER, "sns:Publish"))}),
                        ("topic-private", {"Policy": document(allow("o", ACCOUNT, "sns:Publish"))}),
                        ("topic-encrypted", {"KmsMasterKeyId": "alias/aws/sns"})):
        sns.create_topic(Name=name, Attributes=attrs, Tags=tags(name))
    summary["sns"] = 3

    efs = client("efs")
    deny_plain = {"Sid": "tls", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
                  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    for name, statements, lifecycle in (
            ("fs-secure", [deny_plain], [{"TransitionToIA": "AFTER_7_DAYS"}]),
            ("fs-shared", [allow("x", OTHER, "elasticfilesystem:ClientMount", None)],
             [{"TransitionToIA": "AFTER_30_DAYS"}]),
            ("fs-bare", None, None)):
        fid = efs.create_file_system(CreationToken=name, Tags=tags(name))["FileSystemId"]
        if statements:
            efs.put_file_system_policy(FileSystemId=fid, Policy=document(*statements))
        if lifecycle:
            efs.put_lifecycle_configuration(FileSystemId=fid, LifecyclePolicies=lifecycle)
    summary["efs"] = 3

    ecr = client("ecr")
    rule = {"rulePriority": 1, "action": {"type": "expire"},
            "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                          "countUnit": "days", "countNumber": 14}}
    for name, scan in (("repo-shared", False), ("repo-lifecycle", True), ("repo-bare", False)):
        ecr.create_repository(repositoryName=name, tags=tags(name),
                              imageScanningConfiguration={"scanOnPush": scan})
    ecr.set_repository_policy(repositoryName="repo-shared", policyText=document(
        allow("pull", OTHER, "ecr:BatchGetImage", None)))
    ecr.put_lifecycle_policy(repositoryName="repo-lifecycle",
                             lifecyclePolicyText=json.dumps({"rules": [rule]}))
    summary["ecr"] = 3

    kinesis = client("kinesis")
    for name, shards in (("stream-one", 1), ("stream-two", 2)):
        kinesis.create_stream(StreamName=name, ShardCount=shards)
        kinesis.add_tags_to_stream(StreamName=name, Tags={"Name": name})
    summary["kinesis"] = 2

    logs = client("logs")
    for name, days in (("/logs/kept-30", 30), ("/logs/kept-forever", None),
                       ("/logs/kept-400", 400)):
        logs.create_log_group(logGroupName=name, tags={"Name": name})
        if days:
            logs.put_retention_policy(logGroupName=name, retentionInDays=days)
    summary["log-group"] = 3

    cw = client("cloudwatch")
    for name, threshold in (("alarm-cpu-high", 90.0), ("alarm-cpu-low", 10.0)):
        cw.put_metric_alarm(AlarmName=name, MetricName="CPUUtilization", Namespace="AWS/EC2",
                            Statistic="Average", Period=300, EvaluationPeriods=1,
                            Threshold=threshold, ComparisonOperator="GreaterThanThreshold",
                            Tags=tags(name))
    summary["alarm"] = 2

    cfn = client("cloudformation")
    # a resource of no other type of the suite (moto does not model it)
    template = json.dumps({"Resources": {"Wait": {
        "Type": "AWS::CloudFormation::WaitConditionHandle"}}})
    for name in ("stack-web", "stack-db"):
        cfn.create_stack(StackName=name, TemplateBody=template, Tags=tags(name))
    summary["cfn"] = 2

    backup = client("backup")
    for name, days in (("plan-daily", 35), ("plan-weekly", None)):
        rule = {"RuleName": "r", "TargetBackupVaultName": "Default",
                "ScheduleExpression": "cron(0 5 ? * * *)"}
        if days:
            rule["Lifecycle"] = {"DeleteAfterDays": days}
        backup.create_backup_plan(BackupPlan={"BackupPlanName": name, "Rules": [rule]},
                                  BackupPlanTags={"Name": name})
    summary["backup-plan"] = 2
    return summary
