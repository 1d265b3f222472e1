"""Account seeder: the account exists already; its id is moto's account. Account-level
changes carry no resource id (UpdateAccountPasswordPolicy): the no-writes test knows the
account's writes by the action's own operations."""
from . import ACCOUNT, action_options, seeder


@seeder("account", "cloudtrail-stop-logging.json", ids="recipientAccountId")
def account(world, label):
    return [ACCOUNT]


action_options("account", {
    "set-password-policy": {"policy": {"MinimumPasswordLength": 14}},
    "enable-cloudtrail": {"bucket": "maid-account-trail", "trail": "maid-account-trail"},
    "set-ebs-encryption": {"state": True},
    "set-s3-public-block": {"BlockPublicAcls": True},
})
