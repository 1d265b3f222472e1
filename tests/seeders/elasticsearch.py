"""Elasticsearch/OpenSearch seeders: domains, each with an access policy to edit."""
import json

from . import ACCOUNT, REGION, action_options, seeder


@seeder("elasticsearch", "cloudtrail-create-elasticsearch-domain.json")
def domain(world, label):
    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "maid", "Effect": "Allow", "Action": "es:ESHttpGet",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Resource": f"arn:aws:es:{REGION}:{ACCOUNT}:domain/{label}/*"}]}
    return [world.client("es").create_elasticsearch_domain(
        DomainName=label, ElasticsearchVersion="7.10", AccessPolicies=json.dumps(policy),
        TagList=world.tag_list(label))["DomainStatus"]["DomainName"]]


action_options("elasticsearch", {"remove-statements": {"statement_ids": ["maid"]}})
