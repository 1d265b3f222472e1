"""s3 API economy against moto (issue 2): the calls each filter makes, counted by ctx.counter.
No GetBucketLocation unless a filter reads Location; tags of all buckets from GetResources;
Website only for buckets with a global READ grant; details fetched per filter stage for the
buckets still alive, once per bucket per run."""
import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.aws.s3.region import bucket_region


def run(ctx, filters=(), name="p"):
    return Policy({"name": name, "resource": "s3", "filters": list(filters)}, ctx).run()


def names(meta):
    return sorted(b["Name"] for b in meta["matched"])


def calls(ctx, prefix=("s3.", "resourcegroupstaggingapi.")):
    return {k: v for k, v in ctx.counter.counts.items() if k.startswith(prefix)}


@pytest.fixture
def fleet(aws):
    s3 = boto3.client("s3", region_name="us-east-1")
    eu = boto3.client("s3", region_name="eu-west-1")
    for b in ("dev-a", "dev-b", "prod-a", "untagged", "public", "site", "shared"):
        s3.create_bucket(Bucket=b)
    eu.create_bucket(Bucket="eu-prod", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    for b, env in (("dev-a", "dev"), ("dev-b", "dev"), ("prod-a", "prod"), ("public", "prod"),
                   ("site", "prod"), ("shared", "staging")):
        s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": [{"Key": "Env", "Value": env}]})
    eu.put_bucket_tagging(Bucket="eu-prod", Tagging={"TagSet": [{"Key": "Env", "Value": "prod"}]})
    s3.put_bucket_encryption(Bucket="dev-a", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    owner = s3.get_bucket_acl(Bucket="public")["Owner"]
    everyone = {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}
    s3.put_bucket_acl(Bucket="public", AccessControlPolicy={"Owner": owner, "Grants": [
        {"Grantee": everyone, "Permission": "READ"}, {"Grantee": everyone, "Permission": "WRITE"}]})
    s3.put_bucket_acl(Bucket="site", ACL="public-read")
    s3.put_bucket_acl(Bucket="shared", ACL="authenticated-read")
    s3.put_bucket_website(Bucket="site", WebsiteConfiguration={"IndexDocument": {"Suffix": "i.html"}})
    return s3


def with_regions(ctx):
    """Real AWS's ListBuckets gives each bucket's BucketRegion; moto's does not: add it to the
    run's listing as AWS would return it."""
    m = ResourceManager.for_type(ctx, "s3")
    for b in m.resources():
        b["BucketRegion"] = "eu-west-1" if b["Name"] == "eu-prod" else "us-east-1"
    ctx.counter.counts.clear()
    return m


def test_no_location_calls_unless_a_filter_reads_location(ctx, fleet):
    meta = run(ctx, [{"type": "bucket-encryption", "state": False}])
    assert names(meta) == ["dev-b", "eu-prod", "prod-a", "public", "shared", "site", "untagged"]
    # the eu bucket's call went through the default region's client (moto does not redirect;
    # real S3 answers with the region, which botocore follows and caches per client)
    assert calls(ctx) == {"s3.ListBuckets": 1, "s3.GetBucketEncryption": 8}
    assert names(run(ctx, [{"Location.LocationConstraint": "eu-west-1"}])) == ["eu-prod"]
    assert calls(ctx)["s3.GetBucketLocation"] == 8


def test_bucket_region_sources():
    assert bucket_region({"BucketRegion": "eu-west-2"}) == "eu-west-2"
    assert bucket_region({"Location": {"LocationConstraint": "EU"}}) == "eu-west-1"
    assert bucket_region({"Location": {"LocationConstraint": None}}) == "us-east-1"
    assert bucket_region({}) is None and bucket_region({}, "us-east-1") == "us-east-1"


def test_known_regions_use_regional_clients(ctx, fleet):
    with_regions(ctx)
    clients = ctx.session_factory._clients
    run(ctx, [{"type": "check-public-block"}])
    assert calls(ctx) == {"s3.GetPublicAccessBlock": 8}
    assert ("s3", "eu-west-1") in clients


def test_tags_from_one_get_resources_call_per_region(ctx, fleet):
    with_regions(ctx)
    meta = run(ctx, [{"tag:Env": "prod"}])
    assert names(meta) == ["eu-prod", "prod-a", "public", "site"]
    # one call per region holding buckets; the untagged bucket is absent: no tags, no call
    assert calls(ctx) == {"resourcegroupstaggingapi.GetResources": 2}
    assert names(run(ctx, [{"tag:Env": "absent"}])) == ["untagged"]
    assert calls(ctx) == {"resourcegroupstaggingapi.GetResources": 2}   # once per run


def test_tags_fetched_for_survivors_serve_the_whole_run(ctx, fleet):
    with_regions(ctx)
    assert names(run(ctx, [{"Name": "dev-a"}, {"tag:Env": "dev"}])) == ["dev-a"]
    assert calls(ctx) == {"resourcegroupstaggingapi.GetResources": 1}   # dev-a's region only
    assert names(run(ctx, [{"tag:Env": "staging"}])) == ["shared"]
    # us-east-1's answer is reused; eu-prod too here, as moto's GetResources (unlike AWS's,
    # which would take one more call in eu-west-1) lists every region's buckets
    assert calls(ctx) == {"resourcegroupstaggingapi.GetResources": 1}


def test_tags_of_unknown_region_buckets_absent_from_get_resources(ctx, fleet):
    # regions unknown (moto): absent buckets may be tagged in another region: asked one by one
    meta = run(ctx, [{"tag:Env": "absent"}])
    assert names(meta) == ["untagged"]
    assert calls(ctx) == {"s3.ListBuckets": 1, "resourcegroupstaggingapi.GetResources": 1,
                          "s3.GetBucketTagging": 1}
    tags = {b["Name"]: b["Tags"] for b in run(ctx, [{"tag:Env": "present"}])["matched"]}
    assert tags["eu-prod"] == [{"Key": "Env", "Value": "prod"}]


def test_tags_fall_back_to_get_bucket_tagging_when_denied(ctx, fleet):
    with_regions(ctx)
    tagging = ctx.session_factory.client("resourcegroupstaggingapi", "us-east-1")
    with Stubber(tagging) as stub:
        stub.add_client_error("get_resources", "AccessDeniedException", http_status_code=400)
        meta = run(ctx, [{"tag:Env": "dev"}])
        stub.assert_no_pending_responses()
    assert names(meta) == ["dev-a", "dev-b"]
    assert calls(ctx) == {"resourcegroupstaggingapi.GetResources": 1, "s3.GetBucketTagging": 8}


def test_global_grants_fetch_website_only_for_global_read(ctx, fleet):
    meta = run(ctx, [{"type": "global-grants"}])
    # public: READ and WRITE to AllUsers; site: READ exempt (website); shared: READ to
    # AuthenticatedUsers. Website fetched for those three only (their READ grants).
    assert names(meta) == ["public", "shared"]
    perms = {b["Name"]: b["GlobalPermissions"] for b in meta["matched"]}
    assert perms == {"public": ["READ", "WRITE"], "shared": ["READ"]}
    assert calls(ctx) == {"s3.ListBuckets": 1, "s3.GetBucketAcl": 8, "s3.GetBucketWebsite": 3}
    ctx.cache.clear()
    ctx.counter.counts.clear()
    assert names(run(ctx, [{"type": "global-grants", "permissions": ["WRITE"]}])) == ["public"]
    assert names(run(ctx, [{"type": "global-grants", "allow_website": False}])) == \
        ["public", "shared", "site"]
    assert "s3.GetBucketWebsite" not in calls(ctx)


def test_later_stages_fetch_only_for_buckets_still_alive(ctx, fleet):
    with_regions(ctx)
    meta = run(ctx, [{"tag:Env": "dev"}, {"type": "bucket-encryption", "state": False}])
    assert names(meta) == ["dev-b"]
    assert calls(ctx) == {"resourcegroupstaggingapi.GetResources": 2, "s3.GetBucketEncryption": 2}
    meta = run(ctx, [{"Name": "site"}, {"Website": "present"}])
    assert names(meta) == ["site"]
    assert calls(ctx)["s3.GetBucketWebsite"] == 1
    # a later policy over every bucket: only the buckets not fetched yet (once per run)
    assert len(run(ctx, [{"type": "bucket-encryption", "state": False}])["matched"]) == 7
    assert calls(ctx)["s3.GetBucketEncryption"] == 8


def test_or_block_reads_its_childrens_details(ctx, fleet):
    with_regions(ctx)
    meta = run(ctx, [{"or": [{"tag:Env": "staging"}, {"type": "global-grants",
                                                     "allow_website": False}]}])
    assert names(meta) == ["public", "shared", "site"]
    assert calls(ctx)["s3.GetBucketAcl"] == 8


def test_tag_action_uses_bucket_region_without_location(ctx, fleet):
    with_regions(ctx)
    meta = Policy({"name": "t", "resource": "s3", "filters": [{"tag:Env": "prod"}],
                   "actions": [{"type": "tag", "key": "Seen", "value": "y"}]}, ctx).run()
    assert meta["actions"][0]["succeeded"] == 4
    assert "s3.GetBucketLocation" not in calls(ctx)
    eu = boto3.client("s3", region_name="eu-west-1")
    assert {"Key": "Seen", "Value": "y"} in eu.get_bucket_tagging(Bucket="eu-prod")["TagSet"]


ACL_XML = (b'<?xml version="1.0" encoding="UTF-8"?><AccessControlPolicy '
           b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID></Owner>'
           b'<AccessControlList></AccessControlList></AccessControlPolicy>')
REDIRECT_XML = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code>'
                b'<Message>use the bucket region</Message></Error>')


def test_region_redirector_finds_and_caches_the_bucket_region(tmp_path, monkeypatch):
    """The default-region client for a bucket of unknown region: S3 answers a request signed
    for the wrong region with PermanentRedirect + x-amz-bucket-region (a local server acting
    as S3 here); botocore retries in that region and remembers it for that client."""
    import http.server
    import threading

    from cloudmaid.context import Context
    from cloudmaid.session import SessionFactory

    seen = []

    class S3Like(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            scope = self.headers.get("Authorization", "").split("Credential=")[1].split("/")[2]
            seen.append(scope)
            status, body = (200, ACL_XML) if scope == "eu-west-1" else (301, REDIRECT_XML)
            self.send_response(status)
            self.send_header("x-amz-bucket-region", "eu-west-1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), S3Like)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{server.server_port}")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
        ctx = Context(session_factory=SessionFactory(region="us-east-1"), region="us-east-1",
                      output_dir=str(tmp_path))
        m = ResourceManager.for_type(ctx, "s3")
        buckets = [{"Name": "far-away"}]
        m.ensure_details(buckets, {"Acl"})
        assert buckets[0]["Acl"]["Owner"] == {"ID": "o"}
        m.bucket_client(buckets[0]).get_bucket_acl(Bucket="far-away")
        assert seen == ["us-east-1", "eu-west-1", "eu-west-1"]   # redirected once, then cached
    finally:
        server.shutdown()
