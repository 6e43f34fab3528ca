"""boto3's connection pool after Walrus refuses a PUT before reading its body. Run with Debian's /usr/bin/python3.

Usage: boto3_refused_put.py ENDPOINT BUCKET. Credentials and region come from the usual AWS_* variables.
Each refused put_object (to a bucket that does not exist) is followed by calls on the same client, and so on
the same pooled connection: once the refused body was read as the next request, they all failed with
SignatureDoesNotMatch. Retries are off so that a broken connection is not hidden. Prints "ok" on success.
"""
import io
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, bucket = sys.argv[1:3]
s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1, "mode": "standard"}, max_pool_connections=1))
s3.create_bucket(Bucket=bucket)

bodies = [
    ("small bytes", b"x" * 10),
    ("file object (Expect: 100-continue)", io.BytesIO(b"y" * 100000)),
    ("bytes beyond the drain limit", b"z" * (3 * 1024 * 1024)),
]
for name, body in bodies:
    try:
        s3.put_object(Bucket=bucket + "-missing", Key="refused", Body=body)
        raise AssertionError(name + ": the put to a missing bucket succeeded")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "NoSuchBucket", (name, e.response["Error"])
    for attempt in range(3):
        s3.put_object(Bucket=bucket, Key="after", Body=name.encode())
        assert s3.get_object(Bucket=bucket, Key="after")["Body"].read() == name.encode(), name
        assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["after"], name
print("ok")
