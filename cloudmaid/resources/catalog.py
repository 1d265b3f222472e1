"""The resource types, as data: one row per type, read by the generic ResourceManager.

A row names the service, the enumerate operation and the JMESPath of its items, the id and
name keys, the ARN type, the parameter that fetches by ids, and where tags come from.
tests/test_catalog.py checks every row against botocore's service models.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ResourceType:
    name: str                      # policy name: ec2, ebs, ...
    service: str                   # boto3 client name
    enum_op: str                   # operation that lists every resource (snake_case)
    enum_path: str                 # JMESPath to the items in one page of that operation
    id: str                        # key of the resource id in an item
    name_key: str = None           # key of a human name (tag Name is used when None)
    arn_type: str = None           # arn:aws:<service>:<region>:<account>:<arn_type>/<id>
    ids_param: str = None          # parameter of enum_op that fetches by ids
    enum_params: dict = field(default_factory=dict)   # fixed params (e.g. OwnerIds=['self'])
    date: str = None               # creation date key, for age filters
    tags: str = "inline"           # inline (a Tags list in the item) | fetched (see manager)
    id_prefix: str = None          # ids in events that belong to this type start with it
    batch_size: int = 200          # ids per get-by-ids call
    global_resource: bool = False  # one endpoint for all regions (s3 listing)
    id_filter: str = None          # describe ``Filters`` name selecting by id; unlike ids_param
                                   # an unknown id does not fail the whole call (related lookups)
    arn_service: str = None        # service in the ARN when it differs from the client name
    config_type: str = None        # AWS Config resource type (source: config, config rules)
    # filters/actions on this type that read other types, e.g. ec2 -> ebs, for docs/schema
    related: tuple = ()

    def arn(self, resource_id, region, account_id, partition="aws"):
        service = self.arn_service or self.service
        if self.global_resource:
            return f"arn:{partition}:{service}:::{resource_id}"
        return f"arn:{partition}:{service}:{region}:{account_id}:{self.arn_type}/{resource_id}"


CATALOG = {row.name: row for row in (
    ResourceType(
        name="ec2", service="ec2", enum_op="describe_instances",
        enum_path="Reservations[].Instances[]", id="InstanceId", arn_type="instance",
        ids_param="InstanceIds", date="LaunchTime", id_prefix="i-", batch_size=1000,
        id_filter="instance-id", config_type="AWS::EC2::Instance",
    ),
    ResourceType(
        name="ebs", service="ec2", enum_op="describe_volumes", enum_path="Volumes[]",
        id="VolumeId", arn_type="volume", ids_param="VolumeIds", date="CreateTime",
        id_prefix="vol-", id_filter="volume-id", related=("ec2",),
        config_type="AWS::EC2::Volume",
    ),
    ResourceType(
        # own snapshots only: without OwnerIds the listing holds every public snapshot
        name="ebs-snapshot", service="ec2", enum_op="describe_snapshots",
        enum_path="Snapshots[]", id="SnapshotId", arn_type="snapshot",
        ids_param="SnapshotIds", enum_params={"OwnerIds": ["self"]}, date="StartTime",
        id_prefix="snap-", id_filter="snapshot-id",
    ),
    ResourceType(
        # own images only, as Custodian (Owners=self)
        name="ami", service="ec2", enum_op="describe_images", enum_path="Images[]",
        id="ImageId", name_key="Name", arn_type="image", ids_param="ImageIds",
        enum_params={"Owners": ["self"]}, date="CreationDate", id_prefix="ami-",
        id_filter="image-id",
    ),
    ResourceType(
        name="security-group", service="ec2", enum_op="describe_security_groups",
        enum_path="SecurityGroups[]", id="GroupId", name_key="GroupName",
        arn_type="security-group", ids_param="GroupIds", id_prefix="sg-",
        id_filter="group-id", config_type="AWS::EC2::SecurityGroup",
    ),
    ResourceType(
        name="subnet", service="ec2", enum_op="describe_subnets", enum_path="Subnets[]",
        id="SubnetId", arn_type="subnet", ids_param="SubnetIds", id_prefix="subnet-",
        id_filter="subnet-id", config_type="AWS::EC2::Subnet",
    ),
    ResourceType(
        # every bucket, whatever its region; per-bucket details come from the s3 manager
        name="s3", service="s3", enum_op="list_buckets", enum_path="Buckets[]", id="Name",
        name_key="Name", date="CreationDate", tags="fetched", global_resource=True,
        config_type="AWS::S3::Bucket",
    ),
)}


def get(name):
    return CATALOG.get(name)
