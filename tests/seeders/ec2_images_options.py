"""What the ebs, ebs-snapshot and ami actions need to have something to change on their seeds
(tests/seeders/ec2.py): a filter the action requires, a principal to share with, a KMS key
(moto creates AWS's managed ``alias/aws/ebs`` key on first use)."""
from . import action_filters, action_options

action_filters("ebs", {"modify": ["modifyable"]})
action_options("ebs", {"modify": {"volume-type": "gp3"},
                       "encrypt-instance-volumes": {"key": "alias/aws/ebs"}})
action_options("ebs-snapshot", {"set-permissions": {"add": ["111122223333"]},
                                "copy": {"encrypted": False}})
action_options("ami", {"set-permissions": {"add": ["111122223333"]},
                       "remove-launch-permissions": {"accounts": "111122223333"},
                       "set-deprecation": {"days": 30}})
