"""Distribution actions with Cloud Custodian's names and semantics: ``disable``,
``set-protocols``. Each reads the configuration with its ETag, changes it and writes it back
(UpdateDistribution with IfMatch); a distribution gone meanwhile is left alone."""
from ...actions.core import Action, actions
from .filters import distribution_config

DISTRIBUTION = ("distribution",)


class UpdateDistribution(Action):
    permissions = ("cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution")

    def change(self, config):
        """Change ``config`` in place; False when there is nothing to change."""
        raise NotImplementedError

    def process(self, resources):
        client = self.manager.client()

        def update(d):
            config, etag = distribution_config(client, d)
            if etag and self.change(config) is not False:
                client.update_distribution(Id=d["Id"], IfMatch=etag, DistributionConfig=config)
        self.each(resources, update)
        self.manager.invalidate()


@actions.register("disable", resources=DISTRIBUTION)
class Disable(UpdateDistribution):
    """Enabled: false (a distribution must be disabled before it can be deleted)."""

    def change(self, config):
        if config.get("Enabled") is False:
            return False
        config["Enabled"] = False
        return True


@actions.register("set-protocols", resources=DISTRIBUTION)
class SetProtocols(UpdateDistribution):
    """``ViewerProtocolPolicy`` on the default and every cache behavior; on custom origins
    ``OriginProtocolPolicy`` and ``OriginSslProtocols``; each only when given."""
    schema = {"OriginProtocolPolicy": {"enum": ["http-only", "match-viewer", "https-only"]},
              "OriginSslProtocols": {"type": "array", "items": {
                  "enum": ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"]}},
              "ViewerProtocolPolicy": {"enum": ["allow-all", "https-only", "redirect-to-https"]}}

    def change(self, config):
        viewer = self.data.get("ViewerProtocolPolicy")
        if viewer:
            for item in (config.get("CacheBehaviors") or {}).get("Items") or ():
                item["ViewerProtocolPolicy"] = viewer
            config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = viewer
        origin, ssl = self.data.get("OriginProtocolPolicy"), self.data.get("OriginSslProtocols")
        for item in (config.get("Origins") or {}).get("Items") or ():
            custom = item.get("CustomOriginConfig")
            if not custom:
                continue
            if origin:
                custom["OriginProtocolPolicy"] = origin
            if ssl is not None:
                custom["OriginSslProtocols"] = {"Quantity": len(ssl), "Items": list(ssl)}
        return True
