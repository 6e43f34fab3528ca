"""boto3 (Debian's python3-boto3) sends additional checksums to Walrus: right ones are accepted and echoed, a wrong
one is BadDigest and leaves the previous object (or the upload's parts) as they were.

Usage: boto3_checksums.py ENDPOINT BUCKET. Credentials come from the usual AWS_* variables. Fails with an
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
body = b"checksummed by boto3\n" * 2000

expected = {
    "CRC32": base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode(),
    "SHA1": base64.b64encode(hashlib.sha1(body).digest()).decode(),
    "SHA256": base64.b64encode(hashlib.sha256(body).digest()).decode(),
}
for algorithm, value in expected.items():
    put = s3.put_object(Bucket=bucket, Key="k-" + algorithm, Body=body, ChecksumAlgorithm=algorithm)
    assert put.get("Checksum" + algorithm) == value, (algorithm, put)
    assert s3.get_object(Bucket=bucket, Key="k-" + algorithm)["Body"].read() == body


def bad_digest(call):
    try:
        call()
    except ClientError as e:
        assert e.response["Error"]["Code"] == "BadDigest", e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
        return
    raise AssertionError("a wrong checksum was accepted")


wrong_crc32 = base64.b64encode(zlib.crc32(b"other bytes").to_bytes(4, "big")).decode()
s3.put_object(Bucket=bucket, Key="k", Body=b"previous")
bad_digest(lambda: s3.put_object(Bucket=bucket, Key="k", Body=body, ChecksumCRC32=wrong_crc32))
bad_digest(lambda: s3.put_object(Bucket=bucket, Key="k", Body=body,
                                 ChecksumSHA256=base64.b64encode(hashlib.sha256(b"other").digest()).decode()))
assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"previous"

upload = s3.create_multipart_upload(Bucket=bucket, Key="mpu", ChecksumAlgorithm="CRC32")["UploadId"]
bad_digest(lambda: s3.upload_part(Bucket=bucket, Key="mpu", UploadId=upload, PartNumber=1, Body=body, ChecksumCRC32=wrong_crc32))
assert s3.list_parts(Bucket=bucket, Key="mpu", UploadId=upload).get("Parts", []) == []
part = s3.upload_part(Bucket=bucket, Key="mpu", UploadId=upload, PartNumber=1, Body=body, ChecksumAlgorithm="CRC32")
assert part.get("ChecksumCRC32") == expected["CRC32"], part
s3.abort_multipart_upload(Bucket=bucket, Key="mpu", UploadId=upload)
print("ok")
