"""``set-instance-profile`` (Cloud Custodian's): give running, pending, stopping and stopped
instances the instance profile ``name`` (associate, or replace another), or with no ``name``
remove theirs (disassociate). Instances already as asked are left alone; each instance
succeeds or fails on its own."""
from ...actions.core import actions
from .instance import InstanceAction

EC2 = ("ec2",)
#: associations per DescribeIamInstanceProfileAssociations instance-id filter
BATCH = 100


def associations(client, instance_ids):
    """``{instance id: (association id, profile ARN)}`` of the live associations."""
    out = {}
    for start in range(0, len(instance_ids), BATCH):
        pages = client.get_paginator("describe_iam_instance_profile_associations").paginate(
            Filters=[{"Name": "instance-id", "Values": instance_ids[start:start + BATCH]},
                     {"Name": "state", "Values": ["associating", "associated"]}])
        for page in pages:
            for a in page.get("IamInstanceProfileAssociations") or ():
                out[a["InstanceId"]] = (a["AssociationId"],
                                        (a.get("IamInstanceProfile") or {}).get("Arn") or "")
    return out


@actions.register("set-instance-profile", resources=EC2)
class SetInstanceProfile(InstanceAction):
    valid_states = ("running", "pending", "stopped", "stopping")
    schema = {"name": {"type": "string"}}
    permissions = ("ec2:DescribeIamInstanceProfileAssociations",
                   "ec2:AssociateIamInstanceProfile", "ec2:ReplaceIamInstanceProfileAssociation",
                   "ec2:DisassociateIamInstanceProfile", "iam:PassRole")

    def act(self, instances):
        client = self.manager.client()
        name = self.data.get("name")
        current = associations(client, [i["InstanceId"] for i in instances
                                        if i.get("IamInstanceProfile")])

        def change(instance, assoc):
            if assoc is None:
                client.associate_iam_instance_profile(IamInstanceProfile={"Name": name},
                                                      InstanceId=instance["InstanceId"])
            elif name:
                client.replace_iam_instance_profile_association(
                    IamInstanceProfile={"Name": name}, AssociationId=assoc[0])
            else:
                client.disassociate_iam_instance_profile(AssociationId=assoc[0])

        todo = []
        for i in instances:
            assoc = current.get(i["InstanceId"])
            if name and assoc and assoc[1].endswith(f"/{name}"):
                continue          # already has it
            if not name and assoc is None:
                continue          # nothing to remove
            todo.append(i)
        self.result["unchanged"] = len(instances) - len(todo)
        self.each(todo, lambda i: change(i, current.get(i["InstanceId"])))
