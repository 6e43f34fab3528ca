"""boto3 (Debian's python3-boto3) reads what Walrus stores about an object's integrity: the checksum of a PUT and of a
multipart upload (COMPOSITE, "-N") with ChecksumMode, GetObjectAttributes with ObjectParts, and GET by PartNumber.

Usage: boto3_object_attributes.py ENDPOINT BUCKET. Credentials come from the usual AWS_* variables. Fails with an
AssertionError on any wrong answer; prints "ok" on success.
"""
import base64
import hashlib
import sys
import zlib

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, bucket = sys.argv[1:3]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="ironbark",
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def crc32(data):
    return zlib.crc32(data).to_bytes(4, "big")


def b64(raw):
    return base64.b64encode(raw).decode()


body = b"single put\n" * 500
s3.put_object(Bucket=bucket, Key="single", Body=body, ChecksumAlgorithm="SHA256")
head = s3.head_object(Bucket=bucket, Key="single", ChecksumMode="ENABLED")
assert head.get("ChecksumSHA256") == b64(hashlib.sha256(body).digest()), head
attrs = s3.get_object_attributes(Bucket=bucket, Key="single", ObjectAttributes=["ETag", "Checksum", "ObjectSize", "StorageClass"])
assert attrs["ETag"] == hashlib.md5(body).hexdigest(), attrs
assert attrs["Checksum"]["ChecksumSHA256"] == b64(hashlib.sha256(body).digest()), attrs
assert attrs["ObjectSize"] == len(body) and attrs["StorageClass"] == "STANDARD", attrs
assert "ObjectParts" not in attrs, attrs

parts = [bytes([i % 251 for i in range(5 * 1024 * 1024)]), b"last part" * 100]
upload = s3.create_multipart_upload(Bucket=bucket, Key="mpu", ChecksumAlgorithm="CRC32")["UploadId"]
done = []
for number, data in enumerate(parts, 1):
    part = s3.upload_part(Bucket=bucket, Key="mpu", UploadId=upload, PartNumber=number, Body=data, ChecksumAlgorithm="CRC32")
    assert part["ChecksumCRC32"] == b64(crc32(data)), part
    done.append({"PartNumber": number, "ETag": part["ETag"], "ChecksumCRC32": part["ChecksumCRC32"]})
listed = s3.list_parts(Bucket=bucket, Key="mpu", UploadId=upload)
assert listed["ChecksumAlgorithm"] == "CRC32" and [p["ChecksumCRC32"] for p in listed["Parts"]] == [d["ChecksumCRC32"] for d in done], listed
complete = s3.complete_multipart_upload(Bucket=bucket, Key="mpu", UploadId=upload, MultipartUpload={"Parts": done})
composite = b64(crc32(b"".join(crc32(p) for p in parts))) + "-2"
assert complete["ChecksumCRC32"] == composite, complete
assert s3.head_object(Bucket=bucket, Key="mpu", ChecksumMode="ENABLED")["ChecksumCRC32"] == composite

attrs = s3.get_object_attributes(Bucket=bucket, Key="mpu", ObjectAttributes=["ObjectParts", "Checksum"], MaxParts=1)
assert attrs["Checksum"]["ChecksumCRC32"] == composite, attrs
op = attrs["ObjectParts"]
assert op["TotalPartsCount"] == 2 and op["IsTruncated"] and op["NextPartNumberMarker"] == 1 and op["MaxParts"] == 1, op
assert op["Parts"] == [{"PartNumber": 1, "Size": len(parts[0]), "ChecksumCRC32": b64(crc32(parts[0]))}], op
op = s3.get_object_attributes(Bucket=bucket, Key="mpu", ObjectAttributes=["ObjectParts"], PartNumberMarker=1)["ObjectParts"]
assert not op["IsTruncated"] and [p["PartNumber"] for p in op["Parts"]] == [2], op

second = s3.get_object(Bucket=bucket, Key="mpu", PartNumber=2)
assert second["Body"].read() == parts[1] and second["PartsCount"] == 2, second
assert second["ResponseMetadata"]["HTTPStatusCode"] == 206 and second["ETag"] == complete["ETag"], second
try:
    s3.get_object(Bucket=bucket, Key="mpu", PartNumber=3)
    raise AssertionError("part 3 of 2 was served")
except ClientError as e:
    assert e.response["Error"]["Code"] == "InvalidPartNumber", e.response
try:
    s3.get_object_attributes(Bucket=bucket, Key="missing", ObjectAttributes=["ETag"])
    raise AssertionError("a missing key had attributes")
except ClientError as e:
    assert e.response["Error"]["Code"] == "NoSuchKey", e.response
print("ok")
