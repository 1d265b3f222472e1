"""Network interfaces: Cloud Custodian's ``modify-security-groups`` (actions/network.py). A
name that resolves to nothing fails that interface alone (Custodian fails the whole action)."""
from ...actions.core import actions
from ...actions.network import InterfaceSecurityGroups


@actions.register("modify-security-groups", resources=("eni",))
class ModifyInterfaceSecurityGroups(InterfaceSecurityGroups):
    """Change a network interface's security groups (see actions/network.py)."""
