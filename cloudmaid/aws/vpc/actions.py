"""Actions of the VPC family (Cloud Custodian's names and options): ``delete`` of internet
gateways, NAT gateways, VPC endpoints and network interfaces; ``detach`` of network
interfaces; ``release`` and ``disassociate`` of elastic IPs.

One call per resource unless the API takes a batch; ``Action.each`` records a failure and
carries on with the others. A resource already gone counts as done, as in Custodian.
"""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions


def code(error):
    return error.response["Error"]["Code"] if isinstance(error, ClientError) else None


def deleter(name, op, param, gone, doc):
    """A ``delete`` action: ``op(param=id)`` per resource, ``gone`` error codes ignored."""
    def process(self, resources):
        client = self.manager.client()

        def delete(r):
            try:
                getattr(client, op)(**{param: self.manager.resource_id(r)})
            except ClientError as e:
                if code(e) not in gone:
                    raise
        self.each(resources, delete)
    perm = "ec2:" + "".join(p.title() for p in op.split("_"))
    cls = type(f"Delete_{name}".replace("-", "_"), (Action,), {
        "__doc__": doc, "__module__": __name__, "permissions": (perm,), "process": process})
    return actions.register("delete", resources=(name,))(cls)


deleter("internet-gateway", "delete_internet_gateway", "InternetGatewayId",
        ("InvalidInternetGatewayID.NotFound",),
        "DeleteInternetGateway per gateway (AWS refuses an attached one: DependencyViolation, "
        "recorded for that gateway).")
deleter("nat-gateway", "delete_nat_gateway", "NatGatewayId", ("NatGatewayNotFound",),
        "DeleteNatGateway per gateway.")
deleter("eni", "delete_network_interface", "NetworkInterfaceId",
        ("InvalidNetworkInterfaceID.NotFound",),
        "DeleteNetworkInterface per interface (AWS refuses an attached one).")


@actions.register("delete", resources=("vpc-endpoint",))
class DeleteVpcEndpoint(Action):
    """DeleteVpcEndpoints, 25 endpoints per call; an endpoint AWS could not delete is
    recorded as failed (the answer names it)."""
    permissions = ("ec2:DeleteVpcEndpoints",)
    batch_size = 25

    def process(self, resources):
        client = self.manager.client()

        def delete(batch):
            answer = client.delete_vpc_endpoints(VpcEndpointIds=self.resource_ids(batch))
            by_id = {r["VpcEndpointId"]: r for r in batch}
            for item in answer.get("Unsuccessful") or ():
                err = item.get("Error") or {}
                if item.get("ResourceId") in by_id and \
                        err.get("Code") != "InvalidVpcEndpoint.NotFound":
                    self.result["succeeded"] -= 1
                    self.fail(by_id[item["ResourceId"]],
                              f"{err.get('Code')}: {err.get('Message')}")
        self.batched(resources, delete)


@actions.register("detach", resources=("eni",))
class DetachInterface(Action):
    """DetachNetworkInterface for interfaces attached to an instance other than as its
    primary interface (device index 0 cannot be detached); the others are skipped."""
    permissions = ("ec2:DetachNetworkInterface",)

    def process(self, resources):
        client = self.manager.client()
        attached = [r for r in resources if (r.get("Attachment") or {}).get("InstanceId")
                    and r["Attachment"].get("DeviceIndex") != 0]
        skipped = [r["NetworkInterfaceId"] for r in resources if r not in attached]
        if skipped:
            self.result["skipped"] = skipped
        self.each(attached, lambda r: client.detach_network_interface(
            AttachmentId=r["Attachment"]["AttachmentId"]))


def disassociate(client, address):
    """Disassociate an address; one already disassociated counts as done."""
    try:
        client.disassociate_address(AssociationId=address["AssociationId"])
    except ClientError as e:
        if code(e) != "InvalidAssociationID.NotFound":
            raise


@actions.register("release", resources=("elastic-ip",))
class ReleaseAddress(Action):
    """ReleaseAddress per address. Associated addresses are skipped unless ``force: true``,
    which disassociates them first."""
    schema = {"force": {"type": "boolean"}}
    permissions = ("ec2:ReleaseAddress", "ec2:DisassociateAddress")

    def process(self, resources):
        client = self.manager.client()
        force = self.data.get("force")
        associated = [r for r in resources if r.get("AssociationId")]
        if associated and not force:
            self.result["skipped"] = [r["AllocationId"] for r in associated]
            resources = [r for r in resources if not r.get("AssociationId")]

        def release(r):
            if r.get("AssociationId"):
                disassociate(client, r)
            try:
                client.release_address(AllocationId=r["AllocationId"])
            except ClientError as e:
                if code(e) != "InvalidAllocationID.NotFound":
                    raise
        self.each(resources, release)


@actions.register("disassociate", resources=("elastic-ip",))
class DisassociateAddress(Action):
    """DisassociateAddress for the associated addresses (they stay allocated)."""
    permissions = ("ec2:DisassociateAddress",)

    def process(self, resources):
        client = self.manager.client()
        self.each([r for r in resources if r.get("AssociationId")],
                  lambda r: disassociate(client, r))
