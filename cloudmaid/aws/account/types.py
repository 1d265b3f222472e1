"""The account as a resource type: one pseudo-resource per account and region, Cloud
Custodian's ``{account_id, account_name}`` (see manager.py for how it is built).

AWS has no listing of "the account": the row names the call Custodian makes to build it
(IAM ListAccountAliases; the account name is the first alias). The type runs in every region
of a run, as in Custodian: CloudTrail, Config, GuardDuty, Security Hub and EBS defaults are
per region. It has no tags, no AWS Config type and no CloudTrail shortcut (Custodian has
none either): cloudtrail-mode policies name their events with ``{source, event, ids}``, and
any event delivered returns the account (Custodian ignores the ids).
"""
from ...resources.declaration import REGIONAL, ResourceType

TYPES = (
    ResourceType(
        name="account", service="iam", enum_op="list_account_aliases",
        enum_path="AccountAliases[]", id="account_id", name_key="account_name",
        # the account's root principal, as IAM names the account in policies
        arn="arn:{partition}:iam::{id}:root", scope=REGIONAL, tags=None,
    ),
)
