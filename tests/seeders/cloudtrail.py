"""CloudTrail seeders: trails logging to a shared bucket."""
from . import action_options, named, seeder


def trail_bucket(world):
    world.s3.create_bucket(Bucket="maid-test-trails")
    return "maid-test-trails"


@seeder("cloudtrail", "cloudtrail-create-trail.json")
def trail(world, label):
    bucket = world.shared("trail-bucket", trail_bucket)
    named(label, label)   # the actions name the trail by its name
    return [world.client("cloudtrail").create_trail(
        Name=label, S3BucketName=bucket, TagsList=world.tag_list(label))["TrailARN"]]


action_options("cloudtrail", {
    "update-trail": {"attributes": {"EnableLogFileValidation": True}},
    "set-logging": {"enabled": True},
})
