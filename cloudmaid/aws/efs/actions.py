"""EFS actions with Cloud Custodian's names, keys and defaults: ``delete``,
``configure-lifecycle-policy``, ``remove-statements``. One file system per call; one gone
counts as done."""
import json
import time

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...actions.statements import RemoveStatementsAction

EFS = ("efs",)
#: LifecyclePolicy's members and values (botocore's efs model)
TRANSITIONS = {
    "TransitionToIA": ("AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS",
                       "AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS",
                       "AFTER_365_DAYS"),
    "TransitionToPrimaryStorageClass": ("AFTER_1_ACCESS",),
    "TransitionToArchive": ("AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS",
                            "AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS",
                            "AFTER_270_DAYS", "AFTER_365_DAYS"),
}
#: DeleteFileSystem right after its mount targets are deleted: FileSystemInUse a while
IN_USE_TRIES, IN_USE_WAIT = 12, 5


def gone(error):
    return error.response["Error"]["Code"] in ("FileSystemNotFound", "MountTargetNotFound")


@actions.register("delete", resources=EFS)
class Delete(Action):
    """Delete the file system's mount targets, then the file system (retried while EFS says
    it is still in use)."""
    permissions = ("elasticfilesystem:DescribeMountTargets",
                   "elasticfilesystem:DeleteMountTarget", "elasticfilesystem:DeleteFileSystem")

    def process(self, resources):
        client = self.manager.client()

        def delete(fs):
            try:
                if fs.get("NumberOfMountTargets"):
                    for t in client.describe_mount_targets(
                            FileSystemId=fs["FileSystemId"])["MountTargets"]:
                        client.delete_mount_target(MountTargetId=t["MountTargetId"])
                for attempt in range(IN_USE_TRIES):
                    try:
                        client.delete_file_system(FileSystemId=fs["FileSystemId"])
                        return
                    except ClientError as e:
                        if e.response["Error"]["Code"] != "FileSystemInUse" \
                                or attempt == IN_USE_TRIES - 1:
                            raise
                        time.sleep(IN_USE_WAIT)
            except ClientError as e:
                if not gone(e):
                    raise
        self.each(resources, delete)
        self.manager.invalidate()


@actions.register("configure-lifecycle-policy", resources=EFS)
class ConfigureLifecycle(Action):
    """``state: enable`` sets the lifecycle ``rules`` (LifecyclePolicies items such as
    ``{TransitionToIA: AFTER_7_DAYS}``); ``disable`` removes them all."""
    schema = {"state": {"enum": ["enable", "disable"]},
              "rules": {"type": "array", "items": {"type": "object"}}}
    required = ("state",)
    permissions = ("elasticfilesystem:PutLifecycleConfiguration",)

    def validate(self):
        state, rules = self.data.get("state"), self.data.get("rules")
        if state == "enable" and not rules:
            return [(("rules",), "state: enable needs rules")]
        if state == "disable" and rules is not None:
            return [(("rules",), "state: disable takes no rules")]
        out = []
        for i, rule in enumerate(rules or ()):
            for key, value in (rule or {}).items():
                if key not in TRANSITIONS:
                    out.append((("rules", i, key),
                                f"unknown lifecycle key '{key}' (one of "
                                f"{', '.join(TRANSITIONS)})"))
                elif value not in TRANSITIONS[key]:
                    out.append((("rules", i, key), f"{key} is one of "
                                                   f"{', '.join(TRANSITIONS[key])}"))
        return out

    def process(self, resources):
        client = self.manager.client()
        rules = self.data.get("rules") if self.data["state"] == "enable" else []

        def put(fs):
            try:
                client.put_lifecycle_configuration(FileSystemId=fs["FileSystemId"],
                                                   LifecyclePolicies=rules)
            except ClientError as e:
                if not gone(e):
                    raise
            fs.pop("c7n:LifecyclePolicies", None)
        self.each(resources, put)
        self.manager.invalidate()


@actions.register("remove-statements", resources=EFS)
class RemoveStatements(RemoveStatementsAction):
    """No statement left: the policy is deleted."""
    schema = {"statement_ids": {"oneOf": [{"enum": ["matched"]},
                                          {"type": "array", "items": {"type": "string"}}]}}
    permissions = ("elasticfilesystem:DescribeFileSystemPolicy",
                   "elasticfilesystem:PutFileSystemPolicy",
                   "elasticfilesystem:DeleteFileSystemPolicy")

    def set_policy(self, fs, policy):
        client = self.manager.client()
        if policy:
            client.put_file_system_policy(FileSystemId=fs["FileSystemId"],
                                          Policy=json.dumps(policy))
        else:
            client.delete_file_system_policy(FileSystemId=fs["FileSystemId"])
