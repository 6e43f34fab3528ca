"""boto3 (Debian's python3-boto3) uses bucket ownership controls on Walrus: x-amz-object-ownership on CreateBucket,
Get/Put/DeleteBucketOwnershipControls, and ACLs refused with AccessControlListNotSupported while BucketOwnerEnforced.

Usage: boto3_ownership.py ENDPOINT BUCKET (BUCKET is created). Credentials come from the usual AWS_* variables. Fails with
an AssertionError on any wrong answer; prints "ok" on success.
"""
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, bucket = sys.argv[1:3]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="ironbark",
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def fails(code, status, call):
    try:
        call()
    except ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == status, e.response
        return
    raise AssertionError("expected " + code)


def ownership():
    return s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"][0]["ObjectOwnership"]


s3.create_bucket(Bucket=bucket, ObjectOwnership="BucketOwnerEnforced")
assert ownership() == "BucketOwnerEnforced"
fails("AccessControlListNotSupported", 400, lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read"))
fails("NoSuchKey", 404, lambda: s3.get_object(Bucket=bucket, Key="k"))
s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")
fails("AccessControlListNotSupported", 400, lambda: s3.put_object_acl(Bucket=bucket, Key="k", ACL="public-read"))
fails("AccessControlListNotSupported", 400, lambda: s3.put_bucket_acl(Bucket=bucket, ACL="public-read"))
grants = s3.get_bucket_acl(Bucket=bucket)["Grants"]
assert [g["Permission"] for g in grants] == ["FULL_CONTROL"], grants

s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
assert ownership() == "ObjectWriter"
s3.put_object_acl(Bucket=bucket, Key="k", ACL="public-read")
s3.delete_bucket_ownership_controls(Bucket=bucket)
fails("OwnershipControlsNotFoundError", 404, lambda: s3.get_bucket_ownership_controls(Bucket=bucket))
print("ok")
