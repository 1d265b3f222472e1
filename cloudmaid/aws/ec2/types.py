"""EC2's resource types, as data (see cloudmaid/resources/declaration.py for the fields).

The query tables are Custodian's: per type, the describe ``Filters`` names a policy's
``query`` may use and their allowed values (``tag:<key>`` is always allowed).
"""
from ...resources.declaration import (
    FilterQuery, GuardDutyTarget, ParamsQuery, ResourceType, Shortcut)

_STATES = ("pending", "terminated", "running", "shutting-down", "stopping", "stopped")
_BOOL = ("true", "false")
INSTANCE_FILTERS = {
    "architecture": ("i386", "x86_64"), "availability-zone": str, "ebs-optimized": str,
    "iam-instance-profile.arn": str, "image-id": str, "instance-id": str,
    "instance-lifecycle": ("spot", "scheduled", "capacity-block"), "instance-state-name": _STATES,
    "instance-type": str, "instance.group-id": str, "instance.group-name": str,
    "owner-id": str, "platform": str, "tag-key": str, "tag-value": str,
    "tenancy": ("dedicated", "default", "host"), "vpc-id": str,
}
VOLUME_FILTERS = {
    "attachment.attach-time": str, "attachment.delete-on-termination": _BOOL,
    "attachment.device": str, "attachment.instance-id": str,
    "attachment.status": ("attaching", "attached", "detaching"), "availability-zone": str,
    "create-time": str, "encrypted": _BOOL, "multi-attach-enabled": _BOOL, "size": int,
    "snapshot-id": str,
    "status": ("creating", "available", "in-use", "deleting", "deleted", "error"),
    "tag-key": str, "volume-id": str,
    "volume-type": ("standard", "io1", "io2", "gp2", "gp3", "sc1", "st1"),
}
SNAPSHOT_FILTERS = {
    "description": str, "owner-alias": ("amazon", "amazon-marketplace", "microsoft"),
    "owner-id": str, "progress": str, "snapshot-id": str, "start-time": str,
    "status": ("pending", "completed", "error"), "tag-key": str, "volume-id": str,
    "volume-size": str,
}
_ARN = "arn:{partition}:ec2:{region}:{account}:"

TYPES = (
    ResourceType(
        name="ec2", service="ec2", enum_op="describe_instances",
        enum_path="Reservations[].Instances[]", carry=("ReservationId",), id="InstanceId",
        ids_param="InstanceIds",
        id_filter="instance-id", id_prefix="i-", batch_size=1000, date="LaunchTime",
        dimension="InstanceId",
        arn=_ARN + "instance/{id}", config_type="AWS::EC2::Instance",
        trail={"RunInstances": Shortcut("responseElements.instancesSet.items[].instanceId")},
        guard_duty=GuardDutyTarget("detail.resource.instanceDetails.instanceId", "Instance"),
        report=("InstanceId", "tag:Name", "InstanceType", "LaunchTime", "VpcId",
                "PrivateIpAddress"),
        query=FilterQuery(INSTANCE_FILTERS, {"InstanceIds": str, "MaxResults": int}),
    ),
    ResourceType(
        name="ebs", service="ec2", enum_op="describe_volumes", enum_path="Volumes[]",
        id="VolumeId", ids_param="VolumeIds", id_filter="volume-id", id_prefix="vol-",
        date="CreateTime", arn=_ARN + "volume/{id}", config_type="AWS::EC2::Volume",
        dimension="VolumeId", metrics_namespace="AWS/EBS",
        trail={"CreateVolume": Shortcut("responseElements.volumeId")},
        report=("VolumeId", "Attachments[0].InstanceId", "Size", "VolumeType", "KmsKeyId"),
        query=FilterQuery(VOLUME_FILTERS, {"MaxResults": int}, name_values=True),
    ),
    ResourceType(
        # own snapshots only: without OwnerIds the listing holds every public snapshot
        name="ebs-snapshot", service="ec2", enum_op="describe_snapshots",
        enum_path="Snapshots[]", id="SnapshotId", enum_params={"OwnerIds": ["self"]},
        ids_param="SnapshotIds", id_filter="snapshot-id", id_prefix="snap-", date="StartTime",
        arn=_ARN + "snapshot/{id}",
        trail={"CreateSnapshot": Shortcut("responseElements.snapshotId")},
        report=("SnapshotId", "VolumeId", "tag:InstanceId", "VolumeSize", "StartTime", "State"),
        query=FilterQuery(SNAPSHOT_FILTERS, {"OwnerIds": str, "RestorableByUserIds": str,
                                             "SnapshotIds": str, "MaxResults": int},
                          name_values=True),
    ),
    ResourceType(
        # own images only, as Custodian (Owners=self)
        name="ami", service="ec2", enum_op="describe_images", enum_path="Images[]",
        id="ImageId", enum_params={"Owners": ["self"]}, ids_param="ImageIds",
        id_filter="image-id", id_prefix="ami-", name_key="Name", date="CreationDate",
        arn=_ARN + "image/{id}",
        trail={"CreateImage": Shortcut("responseElements.imageId")},
        query=ParamsQuery("DescribeImages"),
    ),
    ResourceType(
        name="security-group", service="ec2", enum_op="describe_security_groups",
        enum_path="SecurityGroups[]", id="GroupId", ids_param="GroupIds", id_filter="group-id",
        id_prefix="sg-", name_key="GroupName", arn=_ARN + "security-group/{id}",
        config_type="AWS::EC2::SecurityGroup",
        trail={"CreateSecurityGroup": Shortcut("responseElements.groupId"),
               "AuthorizeSecurityGroupIngress": Shortcut("requestParameters.groupId")},
    ),
    ResourceType(
        name="subnet", service="ec2", enum_op="describe_subnets", enum_path="Subnets[]",
        id="SubnetId", ids_param="SubnetIds", id_filter="subnet-id", id_prefix="subnet-",
        arn=_ARN + "subnet/{id}", config_type="AWS::EC2::Subnet",
    ),
)
