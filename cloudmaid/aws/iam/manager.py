"""The iam-profile manager: an instance profile's tags come with GetInstanceProfile
(ListInstanceProfiles omits them in AWS)."""
from ...resources import details
from ...resources.declaration import Detail
from ...resources.manager import ResourceManager, register_manager

_PROFILE = Detail("Profile", "get_instance_profile", "InstanceProfileName", "InstanceProfile")


@register_manager("iam-profile")
class InstanceProfileManager(ResourceManager):

    def fetch(self, resource, key):
        if key != "Tags":
            return super().fetch(resource, key)
        found, profile = details.fetch(self.client(), _PROFILE, resource,
                                       self.resource_id(resource))
        return found, (profile or {}).get("Tags") or [] if found else None
