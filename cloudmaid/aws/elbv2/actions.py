"""ELBv2 actions with Cloud Custodian's names and semantics: ``delete`` (load balancers and
target groups), ``modify-listener``, ``set-s3-logging``, ``modify-attributes``."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from .filters import APP_ELB, MATCHED_LISTENERS, TARGET_GROUP, policy_filters
from .manager import gone, serialize_attribute_value

BOOL = {"enum": ["true", "false", True, False]}


@actions.register("delete", resources=APP_ELB)
class Delete(Action):
    """DeleteLoadBalancer; ``force`` first turns deletion protection off. One already gone
    counts as deleted; one protected (OperationNotPermitted) or in use fails alone."""
    schema = {"force": {"type": "boolean"}}
    permissions = ("elasticloadbalancing:DeleteLoadBalancer",
                   "elasticloadbalancing:ModifyLoadBalancerAttributes")

    def process(self, resources):
        client = self.manager.client()

        def delete(alb):
            arn = alb["LoadBalancerArn"]
            try:
                if self.data.get("force"):
                    client.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
                        {"Key": "deletion_protection.enabled", "Value": "false"}])
                client.delete_load_balancer(LoadBalancerArn=arn)
            except ClientError as e:
                if not gone(e):
                    raise
        self.each(resources, delete)


@actions.register("delete", resources=TARGET_GROUP)
class DeleteTargetGroup(Action):
    """DeleteTargetGroup (one still used by a listener fails alone: ResourceInUse)."""
    permissions = ("elasticloadbalancing:DeleteTargetGroup",)

    def process(self, resources):
        client = self.manager.client()
        self.each(resources, lambda tg: client.delete_target_group(
            TargetGroupArn=tg["TargetGroupArn"]))


@actions.register("modify-listener", resources=APP_ELB)
class ModifyListener(Action):
    """ModifyListener on each listener a ``listener`` filter kept (``c7n:MatchedListeners``):
    ``port``, ``protocol``, ``sslpolicy``, ``certificate`` (ARN), each sent only when given."""
    schema = {"port": {"type": "integer"},
              "protocol": {"enum": ["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"]},
              "sslpolicy": {"type": "string"}, "certificate": {"type": "string"}}
    permissions = ("elasticloadbalancing:ModifyListener",)

    def validate(self):
        found = policy_filters(self.manager)
        if found is not None and not any(f.get("type") == "listener" for f in found):
            return [((), "modify-listener needs a listener filter (it changes the listeners "
                         "that filter matched)")]
        return []

    def process(self, resources):
        args = {}
        for key, name in (("port", "Port"), ("protocol", "Protocol"), ("sslpolicy", "SslPolicy")):
            if key in self.data:
                args[name] = self.data[key]
        if "certificate" in self.data:
            args["Certificates"] = [{"CertificateArn": self.data["certificate"]}]
        client = self.manager.client()

        def modify(alb):
            for listener in alb.get(MATCHED_LISTENERS) or ():
                client.modify_listener(ListenerArn=listener["ListenerArn"], **args)
        self.each(resources, modify)
        self.manager.ctx.cache.pop(("app-elb-listeners", self.manager.ctx.region), None)


@actions.register("delete-listener", resources=APP_ELB)
class DeleteListener(Action):
    """DeleteListener on each listener a ``listener`` filter kept (``scope: matched``, the
    default and only scope); one already gone counts as deleted."""
    schema = {"scope": {"enum": ["matched"]}}
    permissions = ("elasticloadbalancing:DeleteListener",)

    def validate(self):
        found = policy_filters(self.manager)
        if self.data.get("scope", "matched") == "matched" and found is not None and not any(
                f.get("type") == "listener" for f in found):
            return [((), "delete-listener needs a listener filter (it deletes the listeners "
                         "that filter matched)")]
        return []

    def process(self, resources):
        client = self.manager.client()

        def delete(alb):
            for listener in alb.get(MATCHED_LISTENERS) or ():
                try:
                    client.delete_listener(ListenerArn=listener["ListenerArn"])
                except ClientError as e:
                    if e.response["Error"]["Code"] != "ListenerNotFound":
                        raise
        self.each(resources, delete)
        self.manager.ctx.cache.pop(("app-elb-listeners", self.manager.ctx.region), None)


@actions.register("set-s3-logging", resources=APP_ELB)
class SetS3Logging(Action):
    """Access (default) or connection logs to S3: ``state`` enabled needs ``bucket`` and
    ``prefix``; the prefix may name the load balancer's tags and ``{DNSName}``,
    ``{AccountId}``, ``{LoadBalancerName}``."""
    schema = {"log-type": {"type": "string", "enum": ["access", "connection"]},
              "state": {"enum": ["enabled", "disabled"]}, "bucket": {"type": "string"},
              "prefix": {"type": "string"}}
    required = ("state",)
    permissions = ("elasticloadbalancing:ModifyLoadBalancerAttributes",)

    def validate(self):
        if self.data.get("state") == "enabled" and not (
                "bucket" in self.data and "prefix" in self.data):
            return [((), "state: enabled needs bucket and prefix")]
        return []

    def attributes(self, alb):
        kind = "connection_logs" if self.data.get("log-type", "access") == "connection" \
            else "access_logs"
        enabled = self.data["state"] == "enabled"
        out = [{"Key": f"{kind}.s3.enabled", "Value": "true" if enabled else "false"}]
        if enabled:
            info = {t["Key"]: t["Value"] for t in alb.get("Tags") or ()}
            info.update(DNSName=alb.get("DNSName", ""), LoadBalancerName=alb["LoadBalancerName"],
                        AccountId=alb["LoadBalancerArn"].split(":")[4])
            out.append({"Key": f"{kind}.s3.bucket", "Value": self.data["bucket"]})
            out.append({"Key": f"{kind}.s3.prefix", "Value": self.data["prefix"].format(**info)})
        return out

    def process(self, resources):
        client = self.manager.client()
        if self.data.get("state") == "enabled" and "{" in self.data.get("prefix", ""):
            self.manager.ensure_details(resources, {"Tags"})   # the prefix may name tags
        self.each(resources, lambda alb: client.modify_load_balancer_attributes(
            LoadBalancerArn=alb["LoadBalancerArn"], Attributes=self.attributes(alb)))
        self.manager.invalidate()


class ModifyAttributes(Action):
    """Modify<Type>Attributes with ``attributes`` (Custodian's names; true/false/numbers
    sent as AWS writes them). One gone counts as done. ``attributes`` is required (Custodian
    fails at run time without it)."""
    required = ("attributes",)
    arn_key = "LoadBalancerArn"
    op = "modify_load_balancer_attributes"

    def process(self, resources):
        client = self.manager.client()
        attributes = [{"Key": k, "Value": serialize_attribute_value(v)}
                      for k, v in (self.data.get("attributes") or {}).items()]

        def modify(r):
            try:
                getattr(client, self.op)(**{self.arn_key: r[self.arn_key]},
                                         Attributes=attributes)
            except ClientError as e:
                if not gone(e):
                    raise
        self.each(resources, modify)
        self.manager.invalidate()


def attributes_schema(properties):
    return {"attributes": {"type": "object", "additionalProperties": False,
                           "properties": properties}}


@actions.register("modify-attributes", resources=APP_ELB)
class ModifyLoadBalancerAttributes(ModifyAttributes):
    schema = attributes_schema({
        "access_logs.s3.enabled": BOOL, "access_logs.s3.bucket": {"type": "string"},
        "access_logs.s3.prefix": {"type": "string"}, "deletion_protection.enabled": BOOL,
        "idle_timeout.timeout_seconds": {"type": "number"},
        "routing.http.desync_mitigation_mode": {"enum": ["monitor", "defensive", "strictest"]},
        "routing.http.drop_invalid_header_fields.enabled": BOOL,
        "routing.http2.enabled": BOOL, "load_balancing.cross_zone.enabled": BOOL})
    permissions = ("elasticloadbalancing:ModifyLoadBalancerAttributes",)


@actions.register("modify-attributes", resources=TARGET_GROUP)
class ModifyTargetGroupAttributes(ModifyAttributes):
    arn_key = "TargetGroupArn"
    op = "modify_target_group_attributes"
    schema = attributes_schema({
        "proxy_protocol_v2.enabled": BOOL, "preserve_client_ip.enabled": BOOL,
        "stickiness.enabled": BOOL, "lambda.multi_value_headers.enabled": BOOL,
        "deregistration_delay.connection_termination.enabled": BOOL,
        "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count":
            {"type": "number"},
        "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage":
            {"type": "string"},
        "deregistration_delay.timeout_seconds": {"type": "number"},
        "target_group_health.dns_failover.minimum_healthy_targets.count": {"type": "string"},
        "stickiness.type": {"enum": ["lb_cookie", "app_cookie", "source_ip",
                                     "source_ip_dest_ip", "source_ip_dest_ip_proto"]},
        "load_balancing.cross_zone.enabled": {
            "enum": ["true", "false", True, False, "use_load_balancer_configuration"]},
        "target_group_health.dns_failover.minimum_healthy_targets.percentage":
            {"type": "string"},
        "stickiness.app_cookie.cookie_name": {"type": "string"},
        "stickiness.lb_cookie.duration_seconds": {"type": "number"},
        "slow_start.duration_seconds": {"type": "number"},
        "stickiness.app_cookie.duration_seconds": {"type": "number"},
        "load_balancing.algorithm.type": {"enum": ["round_robin", "least_outstanding_requests"]},
        "target_failover.on_deregistration": {"enum": ["rebalance", "no_rebalance"]},
        "target_failover.on_unhealthy": {"enum": ["rebalance", "no_rebalance"]}})
    permissions = ("elasticloadbalancing:ModifyTargetGroupAttributes",)
