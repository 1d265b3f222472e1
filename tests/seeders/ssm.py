"""SSM seeders: parameters."""
from . import seeder


@seeder("ssm-parameter", "cloudtrail-put-parameter.json")
def parameter(world, label):
    name = f"/maid/{label}"
    world.client("ssm").put_parameter(Name=name, Value="v", Type="String",
                                      Tags=world.tag_list(label))
    return [name]
