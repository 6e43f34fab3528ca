"""boto3 (Debian's python3-boto3) uses Object Lock on Walrus: a bucket created with it, the default retention, retention and
legal hold on versions, locked versions refused to deletes by version id (AccessDenied, the version kept), the governance
bypass, and the error codes of the refusals.

Usage: boto3_object_lock.py ENDPOINT BUCKET (BUCKET is created). Credentials come from the usual AWS_* variables. Fails with
an AssertionError on any wrong answer; prints "ok" on success.
"""
import datetime
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


def versions(key):
    listed = s3.list_object_versions(Bucket=bucket, Prefix=key).get("Versions", [])
    return [v["VersionId"] for v in listed if v["Key"] == key]


now = datetime.datetime.now(datetime.timezone.utc)
s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled"}
fails("InvalidBucketState", 409, lambda: s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"}))
fails("InvalidRetentionPeriod", 400, lambda: s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
    "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 0}}}))
fails("MalformedXML", 400, lambda: s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
    "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}}}))
s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
    "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
rule = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]["Rule"]
assert rule == {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}, rule

# The default retention: a GOVERNANCE day; boto3 sends Content-MD5 with the PUT.
v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["VersionId"]
head = s3.head_object(Bucket=bucket, Key="k")
assert head["ObjectLockMode"] == "GOVERNANCE", head
assert now + datetime.timedelta(hours=23) < head["ObjectLockRetainUntilDate"] < now + datetime.timedelta(hours=25), head
fails("AccessDenied", 403, lambda: s3.delete_object(Bucket=bucket, Key="k", VersionId=v1))
assert versions("k") == [v1]
assert s3.delete_object(Bucket=bucket, Key="k")["DeleteMarker"] is True
assert versions("k") == [v1]

# Retention: extend, refuse to shorten without the bypass, shorten with it, COMPLIANCE for good.
later = now + datetime.timedelta(days=3)
s3.put_object_retention(Bucket=bucket, Key="k", VersionId=v1, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later})
fails("AccessDenied", 403, lambda: s3.put_object_retention(Bucket=bucket, Key="k", VersionId=v1,
                                                             Retention={"Mode": "GOVERNANCE", "RetainUntilDate": now + datetime.timedelta(days=2)}))
fails("InvalidArgument", 400, lambda: s3.put_object_retention(Bucket=bucket, Key="k", VersionId=v1,
                                                                Retention={"Mode": "GOVERNANCE", "RetainUntilDate": now - datetime.timedelta(days=1)}))
s3.put_object_retention(Bucket=bucket, Key="k", VersionId=v1, BypassGovernanceRetention=True,
                        Retention={"Mode": "GOVERNANCE", "RetainUntilDate": now + datetime.timedelta(days=2)})
retention = s3.get_object_retention(Bucket=bucket, Key="k", VersionId=v1)["Retention"]
assert retention["RetainUntilDate"] < later, retention
s3.delete_object(Bucket=bucket, Key="k", VersionId=v1, BypassGovernanceRetention=True)
assert versions("k") == []

c1 = s3.put_object(Bucket=bucket, Key="c", Body=b"c1", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=later)["VersionId"]
fails("AccessDenied", 403, lambda: s3.delete_object(Bucket=bucket, Key="c", VersionId=c1, BypassGovernanceRetention=True))
fails("AccessDenied", 403, lambda: s3.put_object_retention(Bucket=bucket, Key="c", VersionId=c1, BypassGovernanceRetention=True,
                                                             Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later}))
assert versions("c") == [c1]

# Legal hold, and DeleteObjects refusing each locked entry.
h1 = s3.put_object(Bucket=bucket, Key="h", Body=b"h1", ObjectLockLegalHoldStatus="ON")["VersionId"]
assert s3.get_object_legal_hold(Bucket=bucket, Key="h", VersionId=h1)["LegalHold"] == {"Status": "ON"}
result = s3.delete_objects(Bucket=bucket, BypassGovernanceRetention=True,
                           Delete={"Objects": [{"Key": "h", "VersionId": h1}, {"Key": "c", "VersionId": c1}]})
assert sorted((e["Key"], e["Code"]) for e in result["Errors"]) == [("c", "AccessDenied"), ("h", "AccessDenied")], result
assert versions("h") == [h1] and versions("c") == [c1]
s3.put_object_legal_hold(Bucket=bucket, Key="h", VersionId=h1, LegalHold={"Status": "OFF"})
# The default retention also applied to h1: the owner's bypass lifts it.
s3.delete_object(Bucket=bucket, Key="h", VersionId=h1, BypassGovernanceRetention=True)
assert versions("h") == []
print("ok")
