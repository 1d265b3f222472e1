"""The placeholders Cloud Custodian fills in s3 filter and action strings."""
from ...actions.notify import account_alias
from .region import bucket_region


def bucket_args(manager, bucket):
    """``{account_id}``, ``{region}``, ``{bucket_name}``, ``{bucket_region}``."""
    ctx = manager.ctx
    return {"account_id": ctx.account_id, "region": ctx.region, "partition": ctx.partition,
            "bucket_name": bucket["Name"], "bucket_region": bucket_region(bucket, ctx.region)}


def logging_target(manager, bucket, target_bucket, target_prefix, alias_cache):
    """The ``{"TargetBucket", "TargetPrefix"}`` asked for (``target_prefix`` None: the
    bucket's name and a slash), ``{}`` without a target bucket. Filled in: bucket_args plus
    ``{account}`` (the account's alias, read once, only when named), the source bucket's
    name and region, the target's bucket and prefix as written."""
    from ...filters.crossaccount import fill
    args = bucket_args(manager, bucket)
    args.update(source_bucket_name=bucket["Name"], source_bucket_region=args["bucket_region"],
                target_bucket_name=target_bucket, target_prefix=target_prefix)
    if any("{account}" in (v or "") for v in (target_bucket, target_prefix)):
        if "alias" not in alias_cache:
            alias_cache["alias"] = account_alias(manager)
        args["account"] = alias_cache["alias"]
    target = fill(target_bucket, args)
    if not target:
        return {}
    prefix = bucket["Name"] + "/" if target_prefix is None else fill(target_prefix, args)
    return {"TargetBucket": target, "TargetPrefix": prefix}
