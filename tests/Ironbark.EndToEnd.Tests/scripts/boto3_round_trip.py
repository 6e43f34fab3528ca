"""boto3 against Ironbark: what a Python user does first. Run with Debian's /usr/bin/python3.

Usage: boto3_round_trip.py ENDPOINT BUCKET WORKDIR. Credentials and region come from the usual
AWS_* variables. Fails with an AssertionError on any wrong answer; on success prints one JSON
object with presigned URLs and a presigned POST form for the caller to try with a plain HTTP client.
"""
import hashlib
import json
import os
import sys

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, bucket, workdir = sys.argv[1:4]
s3 = boto3.client("s3", endpoint_url=endpoint)

s3.create_bucket(Bucket=bucket)
assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]

body = b"hello from boto3\n"
put = s3.put_object(Bucket=bucket, Key="greeting.txt", Body=body, ContentType="text/plain", Metadata={"lang": "python"})
assert put["ETag"] == '"%s"' % hashlib.md5(body).hexdigest(), put["ETag"]
got = s3.get_object(Bucket=bucket, Key="greeting.txt")
assert got["Body"].read() == body
assert got["ContentType"] == "text/plain", got["ContentType"]
assert got["Metadata"] == {"lang": "python"}, got["Metadata"]

# upload_file switches to a multipart upload above the threshold: 12 MiB in 5 MiB parts is 3 parts.
big = os.urandom(12 * 1024 * 1024)
with open(os.path.join(workdir, "big.bin"), "wb") as f:
    f.write(big)
config = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024, max_concurrency=4)
s3.upload_file(os.path.join(workdir, "big.bin"), bucket, "big.bin", Config=config)
head = s3.head_object(Bucket=bucket, Key="big.bin")
assert head["ETag"].endswith('-3"'), head["ETag"]
assert head["ContentLength"] == len(big)
s3.download_file(bucket, "big.bin", os.path.join(workdir, "big.out"), Config=config)
with open(os.path.join(workdir, "big.out"), "rb") as f:
    assert f.read() == big

# A managed copy, a ranged read, and a key with characters that need encoding.
s3.copy({"Bucket": bucket, "Key": "greeting.txt"}, bucket, "copies/grüße + more.txt")
ranged = s3.get_object(Bucket=bucket, Key="copies/grüße + more.txt", Range="bytes=6-9")
assert ranged["Body"].read() == b"from", ranged
keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
assert keys == ["big.bin", "copies/grüße + more.txt", "greeting.txt"], keys

# Older tools still sign with Signature Version 2.
v2 = boto3.client("s3", endpoint_url=endpoint, config=Config(signature_version="s3"))
assert v2.get_object(Bucket=bucket, Key="greeting.txt")["Body"].read() == body

s3.delete_object(Bucket=bucket, Key="big.bin")
try:
    s3.head_object(Bucket=bucket, Key="big.bin")
    raise AssertionError("big.bin is still there")
except ClientError as e:
    assert e.response["Error"]["Code"] == "404", e.response

print(json.dumps({
    "get_url": s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "greeting.txt"}, ExpiresIn=300),
    "put_url": s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "from-http.bin"}, ExpiresIn=300),
    "v2_get_url": v2.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "greeting.txt"}, ExpiresIn=300),
    "post": s3.generate_presigned_post(bucket, "posted.txt", ExpiresIn=300),
}))
