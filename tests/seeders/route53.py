"""Route 53 seeders: a public hosted zone tagged with the seed's label."""
from . import seeder


@seeder("hostedzone", "cloudtrail-create-hosted-zone.json")
def hosted_zone(world, label):
    route53 = world.client("route53")
    zone = route53.create_hosted_zone(Name=f"{label}.example.com", CallerReference=label)
    zid = zone["HostedZone"]["Id"]
    route53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zid.rsplit("/", 1)[-1],
                                     AddTags=world.tag_list(label))
    return [zid]
