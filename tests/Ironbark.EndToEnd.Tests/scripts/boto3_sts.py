#!/usr/bin/python3
"""boto3's STS client against the CLC: GetCallerIdentity at the endpoint given (its / or /services/Tokens)."""
import json
import sys

import boto3

endpoint = sys.argv[1]
sts = boto3.client("sts", endpoint_url=endpoint)
identity = sts.get_caller_identity()
print(json.dumps({k: identity[k] for k in ("Account", "Arn", "UserId")}))
