"""boto3 (Debian's python3-boto3) against Walrus's encryption at rest: SSE-S3, SSE-KMS and SSE-C on put, get, head,
ranges, multipart and copies, bucket default encryption, and S3's answers to a missing or wrong customer key.

Usage: boto3_encryption.py ENDPOINT BUCKET. Credentials come from the usual AWS_* variables. Fails with an
AssertionError on any wrong answer; prints "ok" on success.
"""
import hashlib
import os
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, bucket = sys.argv[1:3]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="ironbark",
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
body = os.urandom(300_000)
md5 = '"' + hashlib.md5(body).hexdigest() + '"'


def error(code, status, call):
    try:
        call()
    except ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == status, e.response
        return
    raise AssertionError("accepted: expected " + code)


def status(status_code, call):
    try:
        call()
    except ClientError as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == status_code, e.response
        return
    raise AssertionError("accepted: expected %d" % status_code)


# SSE-S3
put = s3.put_object(Bucket=bucket, Key="s3", Body=body, ServerSideEncryption="AES256")
assert put["ServerSideEncryption"] == "AES256" and put["ETag"] == md5, put
head = s3.head_object(Bucket=bucket, Key="s3")
assert head["ServerSideEncryption"] == "AES256" and head["ContentLength"] == len(body), head
assert s3.get_object(Bucket=bucket, Key="s3")["Body"].read() == body
assert s3.get_object(Bucket=bucket, Key="s3", Range="bytes=65000-200000")["Body"].read() == body[65000:200001]

# SSE-KMS with the account's aws/s3 key
put = s3.put_object(Bucket=bucket, Key="kms", Body=body, ServerSideEncryption="aws:kms")
assert put["ServerSideEncryption"] == "aws:kms" and put["SSEKMSKeyId"].startswith("arn:aws:kms:"), put
assert s3.get_object(Bucket=bucket, Key="kms")["Body"].read() == body
error("KMS.NotFoundException", 400, lambda: s3.put_object(Bucket=bucket, Key="kms2", Body=b"x", ServerSideEncryption="aws:kms",
                                                          SSEKMSKeyId="alias/no-such-key"))

# SSE-C: boto3 computes the key's MD5 and base64 itself
key = os.urandom(32)
other = os.urandom(32)
put = s3.put_object(Bucket=bucket, Key="c", Body=body, SSECustomerAlgorithm="AES256", SSECustomerKey=key)
assert put["SSECustomerAlgorithm"] == "AES256", put
got = s3.get_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=key, Range="bytes=1-299998")
assert got["Body"].read() == body[1:299999] and got["SSECustomerAlgorithm"] == "AES256"
error("InvalidRequest", 400, lambda: s3.get_object(Bucket=bucket, Key="c"))
error("AccessDenied", 403, lambda: s3.get_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=other))
status(403, lambda: s3.head_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=other))
status(400, lambda: s3.head_object(Bucket=bucket, Key="c"))

# A copy from SSE-C to SSE-S3
copy = s3.copy_object(Bucket=bucket, Key="c-to-s3", CopySource={"Bucket": bucket, "Key": "c"},
                      CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=key, ServerSideEncryption="AES256")
assert copy["ServerSideEncryption"] == "AES256", copy
assert s3.get_object(Bucket=bucket, Key="c-to-s3")["Body"].read() == body

# Multipart under SSE-C
part_size = 5 * 1024 * 1024
big = os.urandom(part_size + 1000)
upload = s3.create_multipart_upload(Bucket=bucket, Key="mc", SSECustomerAlgorithm="AES256", SSECustomerKey=key)
parts = []
for number, chunk in ((1, big[:part_size]), (2, big[part_size:])):
    p = s3.upload_part(Bucket=bucket, Key="mc", UploadId=upload["UploadId"], PartNumber=number, Body=chunk,
                       SSECustomerAlgorithm="AES256", SSECustomerKey=key)
    parts.append({"PartNumber": number, "ETag": p["ETag"]})
s3.complete_multipart_upload(Bucket=bucket, Key="mc", UploadId=upload["UploadId"], MultipartUpload={"Parts": parts})
got = s3.get_object(Bucket=bucket, Key="mc", SSECustomerAlgorithm="AES256", SSECustomerKey=key, Range="bytes=%d-%d" % (part_size - 5, part_size + 5))
assert got["Body"].read() == big[part_size - 5:part_size + 6]

# Bucket default encryption
error("ServerSideEncryptionConfigurationNotFoundError", 404, lambda: s3.get_bucket_encryption(Bucket=bucket))
s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256", rules
assert s3.put_object(Bucket=bucket, Key="by-default", Body=b"x")["ServerSideEncryption"] == "AES256"
s3.delete_bucket_encryption(Bucket=bucket)
error("ServerSideEncryptionConfigurationNotFoundError", 404, lambda: s3.get_bucket_encryption(Bucket=bucket))
assert "ServerSideEncryption" not in s3.put_object(Bucket=bucket, Key="after", Body=b"x")
print("ok")
