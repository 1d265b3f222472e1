"""AWS Config seeders: the region's configuration recorder (one per region: every seed
names the same one)."""
from . import ACCOUNT, seeder


@seeder("config-recorder", "cloudtrail-put-configuration-recorder.json")
def recorder(world, label):
    world.client("config").put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config-recorder",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    return ["default"]
