"""boto3 (Debian's python3-boto3) against the details clients check: owner display names, a repeated
CompleteMultipartUpload, object tag limits and the delete marker header.

Usage: boto3_details.py ENDPOINT BUCKET DISPLAY_NAME. Credentials come from the usual AWS_* variables; the bucket is
empty and owned by the account named DISPLAY_NAME. Fails with an AssertionError on any wrong answer; prints "ok".
"""
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, bucket, display_name = sys.argv[1:4]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="ironbark",
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def refused(code, status, call):
    try:
        call()
    except ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == status, e.response
        return e.response
    raise AssertionError("accepted, expected " + code)


def keys():
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


# Owner display names.
s3.put_object(Bucket=bucket, Key="owned", Body=b"x")
listed = s3.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"][0]["Owner"]
assert listed.get("DisplayName") == display_name and listed.get("ID"), listed
assert "Owner" not in s3.list_objects_v2(Bucket=bucket)["Contents"][0]
assert s3.list_objects(Bucket=bucket)["Contents"][0]["Owner"]["DisplayName"] == display_name
assert s3.get_object_acl(Bucket=bucket, Key="owned")["Owner"]["DisplayName"] == display_name

# A repeated completion answers the object the first one made.
upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"part one")
parts = {"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}
first = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload=parts)
again = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload=parts)
assert first["ETag"] == again["ETag"], (first, again)
assert s3.get_object(Bucket=bucket, Key="mp")["Body"].read() == b"part one"
refused("NoSuchUpload", 404, lambda: s3.complete_multipart_upload(
    Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0000"'}]}))

# Object tag limits.
s3.put_object_tagging(Bucket=bucket, Key="owned", Tagging={"TagSet": [{"Key": "keep", "Value": "me"}]})
eleven = [{"Key": "k%d" % i, "Value": "v"} for i in range(11)]
response = refused("BadRequest", 400, lambda: s3.put_object_tagging(Bucket=bucket, Key="owned", Tagging={"TagSet": eleven}))
assert response["Error"]["Message"] == "Object tags cannot be greater than 10", response
for tags in ([{"Key": "k" * 129, "Value": "v"}], [{"Key": "k", "Value": "v" * 257}], [{"Key": "aws:x", "Value": "v"}],
             [{"Key": "d", "Value": "1"}, {"Key": "d", "Value": "2"}]):
    refused("InvalidTag", 400, lambda: s3.put_object_tagging(Bucket=bucket, Key="owned", Tagging={"TagSet": tags}))
assert s3.get_object_tagging(Bucket=bucket, Key="owned")["TagSet"] == [{"Key": "keep", "Value": "me"}]
refused("InvalidTag", 400, lambda: s3.put_object(Bucket=bucket, Key="refused", Body=b"x", Tagging="a=1&a=2"))
refused("BadRequest", 400, lambda: s3.put_object(Bucket=bucket, Key="refused", Body=b"x",
                                                 Tagging="&".join("k%d=v" % i for i in range(11))))
refused("InvalidTag", 400, lambda: s3.create_multipart_upload(Bucket=bucket, Key="refused", Tagging="aws:x=1"))
assert "refused" not in keys(), keys()
s3.put_object(Bucket=bucket, Key="tagged", Body=b"x", Tagging="a=1&b=2")
assert s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]

# Delete markers.
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
version = s3.put_object(Bucket=bucket, Key="versioned", Body=b"v1")["VersionId"]
deleted = s3.delete_object(Bucket=bucket, Key="versioned")
assert deleted.get("DeleteMarker") is True and deleted.get("VersionId") not in (None, version), deleted
response = refused("404", 404, lambda: s3.head_object(Bucket=bucket, Key="versioned"))
headers = response["ResponseMetadata"]["HTTPHeaders"]
assert headers.get("x-amz-delete-marker") == "true" and headers.get("x-amz-version-id") == deleted["VersionId"], headers
response = refused("NoSuchKey", 404, lambda: s3.get_object(Bucket=bucket, Key="versioned"))
assert response["ResponseMetadata"]["HTTPHeaders"].get("x-amz-delete-marker") == "true", response
plain = s3.delete_object(Bucket=bucket, Key="versioned", VersionId=version)
assert "DeleteMarker" not in plain and plain["VersionId"] == version, plain
removed = s3.delete_object(Bucket=bucket, Key="versioned", VersionId=deleted["VersionId"])
assert removed.get("DeleteMarker") is True and removed["VersionId"] == deleted["VersionId"], removed

print("ok")
