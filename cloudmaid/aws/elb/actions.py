"""Classic ELB actions with Cloud Custodian's names and semantics: ``delete``,
``set-ssl-listener-policy``, ``enable-s3-logging``, ``disable-s3-logging``."""
import datetime

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from .filters import SSL_PROTOCOLS, is_ssl
from .manager import gone

ELB = ("elb",)
DUPLICATE = ("DuplicatePolicyName", "DuplicatePolicyNameException",
             "DuplicationPolicyNameException")


@actions.register("delete", resources=ELB)
class Delete(Action):
    """DeleteLoadBalancer; one already gone counts as deleted."""
    permissions = ("elasticloadbalancing:DeleteLoadBalancer",)

    def process(self, resources):
        client = self.manager.client()

        def delete(elb):
            try:
                client.delete_load_balancer(LoadBalancerName=elb["LoadBalancerName"])
            except ClientError as e:
                if not gone(e):
                    raise
        self.each(resources, delete)


@actions.register("set-ssl-listener-policy", resources=ELB)
class SetSslListenerPolicy(Action):
    """On SSL load balancers: a new SSL negotiation policy ``name``-<epoch ms> made of
    ``attributes`` (a list of names set to true, or a mapping such as
    ``Reference-Security-Policy: ELBSecurityPolicy-TLS-1-2-2017-01``), set on every HTTPS/SSL
    listener in place of the SSL policies an ``ssl-policy`` filter found, keeping the
    listener's other policies. Other load balancers are left alone."""
    schema = {"name": {"type": "string"},
              "attributes": {"anyOf": [{"type": "object"},
                                       {"type": "array", "items": {"type": "string"}}]}}
    required = ("name", "attributes")
    permissions = ("elasticloadbalancing:CreateLoadBalancerPolicy",
                   "elasticloadbalancing:SetLoadBalancerPoliciesOfListener")

    def policy_attributes(self):
        attrs = self.data["attributes"]
        if isinstance(attrs, dict):
            return [{"AttributeName": k, "AttributeValue": str(v)} for k, v in attrs.items()]
        return [{"AttributeName": a, "AttributeValue": "true"} for a in attrs]

    def process(self, resources):
        client = self.manager.client()
        stamp = int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000)
        policy = f"{self.data['name']}-{stamp}"    # unique among the ELB's policies
        attributes = self.policy_attributes()

        def apply(elb):
            if not is_ssl(elb):
                return
            name = elb["LoadBalancerName"]
            try:
                client.create_load_balancer_policy(
                    LoadBalancerName=name, PolicyName=policy,
                    PolicyTypeName="SSLNegotiationPolicyType", PolicyAttributes=attributes)
            except ClientError as e:
                if e.response["Error"]["Code"] not in DUPLICATE:
                    raise
            replaced = set(elb.get("c7n.ssl-policies") or ())
            for ld in elb["ListenerDescriptions"]:
                if ld["Listener"]["Protocol"] not in SSL_PROTOCOLS:
                    continue
                names = [policy] + [p for p in ld.get("PolicyNames") or () if p not in replaced]
                client.set_load_balancer_policies_of_listener(
                    LoadBalancerName=name, LoadBalancerPort=ld["Listener"]["LoadBalancerPort"],
                    PolicyNames=list(dict.fromkeys(names)))
        self.each(resources, apply)


class AccessLogAction(Action):
    permissions = ("elasticloadbalancing:ModifyLoadBalancerAttributes",)

    def access_log(self):
        raise NotImplementedError

    def process(self, resources):
        client = self.manager.client()
        log = self.access_log()
        self.each(resources, lambda elb: client.modify_load_balancer_attributes(
            LoadBalancerName=elb["LoadBalancerName"], LoadBalancerAttributes={"AccessLog": log}))
        self.manager.invalidate()


@actions.register("enable-s3-logging", resources=ELB)
class EnableS3Logging(AccessLogAction):
    """Access logs to S3: ``bucket``, ``prefix``, ``emit_interval`` (5 or 60 minutes), each
    sent only when given."""
    schema = {"bucket": {"type": "string"}, "prefix": {"type": "string"},
              "emit_interval": {"type": "integer"}}

    def access_log(self):
        log = {"Enabled": True}
        for key, name in (("bucket", "S3BucketName"), ("prefix", "S3BucketPrefix"),
                          ("emit_interval", "EmitInterval")):
            if key in self.data:
                log[name] = self.data[key]
        return log


@actions.register("disable-s3-logging", resources=ELB)
class DisableS3Logging(AccessLogAction):
    """Access logs off."""

    def access_log(self):
        return {"Enabled": False}
