"""launch-template-version: every version of every launch template, as Custodian lists them.

DescribeLaunchTemplateVersions needs one template per call, so the listing reads the templates
first. Get-by-ids takes template ids (all their versions) or ``(template id, version)`` pairs,
where the version may be an alias (``$Latest``, ``$Default``), kept as ``c7n:VersionAlias``.
"""
from botocore.exceptions import ClientError

from ...resources.manager import ResourceManager, register_manager

GONE = ("InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateId.VersionNotFound",
        "InvalidLaunchTemplateId.Malformed", "InvalidLaunchTemplateName.NotFoundException")


@register_manager("launch-template-version")
class LaunchTemplateVersions(ResourceManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions")

    def describe(self, params):
        client = self.client()
        ids = [t["LaunchTemplateId"]
               for page in client.get_paginator("describe_launch_templates").paginate()
               for t in page.get("LaunchTemplates") or ()]
        return self.versions({i: [] for i in ids})

    def versions(self, wanted):
        """Versions of ``{template id: [versions]}`` (no versions: all of them)."""
        client = self.client()
        out = []
        for tid, versions in wanted.items():
            params = {"LaunchTemplateId": tid}
            if versions:
                params["Versions"] = [str(v) for v in versions]
            try:
                found = [v for page in client.get_paginator(
                    "describe_launch_template_versions").paginate(**params)
                    for v in page.get("LaunchTemplateVersions") or ()]
            except ClientError as e:
                if e.response["Error"]["Code"] in GONE:
                    continue
                raise
            for alias, v in zip(versions, found):
                if not str(alias).isdigit():
                    v["c7n:VersionAlias"] = alias
            out.extend(found)
        return out

    def get_resources(self, ids):
        wanted = {}
        for i in ids:
            tid, version = i if isinstance(i, tuple) else (i, None)
            if not isinstance(tid, str) or not tid:
                continue
            wanted.setdefault(tid, [])
            if version is not None:
                wanted[tid].append(version)
        return self.versions(wanted) if wanted else []
