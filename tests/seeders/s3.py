"""S3 seeders."""
from . import seeder


@seeder("s3", "cloudtrail-create-bucket.json")
def bucket(world, label):
    world.s3.create_bucket(Bucket=label)
    world.s3.put_bucket_tagging(Bucket=label, Tagging={"TagSet": world.tag_list(label)})
    return [label]
