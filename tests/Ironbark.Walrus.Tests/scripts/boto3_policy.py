"""boto3 against bucket policy conditions and Block Public Access: a Deny conditioned on a missing x-amz-acl refuses a
plain PUT, the PublicAccessBlock round-trips, and GetBucketPolicyStatus reads IsPublic.

Usage: boto3_policy.py ENDPOINT BUCKET. Prints "ok" on success.
"""
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, bucket = sys.argv[1:3]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="ironbark",
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def code(call):
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


policy = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*",
    "Condition": {"StringNotEquals": {"s3:x-amz-acl": ["private", "bucket-owner-full-control"]}}}]}
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
assert code(lambda: s3.put_object(Bucket=bucket, Key="plain", Body=b"x")) == "AccessDenied"
s3.put_object(Bucket=bucket, Key="private", Body=b"x", ACL="private")
assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False

bad = dict(policy, Statement=[dict(policy["Statement"][0], Condition={"IpAddress": {"aws:SourceIp": "nowhere"}})])
assert code(lambda: s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(bad))) == "MalformedPolicy"

assert code(lambda: s3.get_public_access_block(Bucket=bucket)) == "NoSuchPublicAccessBlockConfiguration"
s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicPolicy": True})
got = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
assert got == {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": True, "RestrictPublicBuckets": False}, got
public = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                  "Resource": f"arn:aws:s3:::{bucket}/*"}]}
assert code(lambda: s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public))) == "AccessDenied"
s3.delete_public_access_block(Bucket=bucket)
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public))
assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True
print("ok")
