"""boto3 EC2 against Ironbark: launch the test guest with user-data, see it run, read its console,
tag and filter it, reboot it, terminate it. Run with Debian's /usr/bin/python3.

Usage: boto3_ec2.py ENDPOINT IMAGE_ID. Credentials and region come from the usual AWS_* variables.
Fails with an AssertionError on any wrong answer; on success prints the instance id and the QEMU-side
facts the caller checks ({"instance_id": ...}).
"""
import json
import sys
import time

import boto3
from botocore.exceptions import ClientError

endpoint, image_id = sys.argv[1:3]
ec2 = boto3.client("ec2", endpoint_url=endpoint)


def wait_for(instance_id, state, seconds=120):
    deadline = time.time() + seconds
    while True:
        found = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
        if found["State"]["Name"] == state:
            return found
        assert found["State"]["Name"] != "terminated", found
        assert time.time() < deadline, "%s did not reach %s: %s" % (instance_id, state, found["State"])
        time.sleep(0.5)


def console(instance_id, marker, times=1, seconds=120):
    deadline = time.time() + seconds
    while True:
        text = ec2.get_console_output(InstanceId=instance_id).get("Output") or ""
        if text.count(marker) >= times:
            return text
        assert time.time() < deadline, "no %r x%d on the console of %s:\n%s" % (marker, times, instance_id, text)
        time.sleep(0.5)


key = ec2.create_key_pair(KeyName="boto3-key", KeyType="ed25519")
assert key["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----"), key["KeyMaterial"][:40]
group = ec2.create_security_group(GroupName="boto3-group", Description="from boto3")["GroupId"]

try:
    ec2.run_instances(ImageId="ami-00000000000000000", MinCount=1, MaxCount=1)
    raise AssertionError("a missing image launched")
except ClientError as e:
    assert e.response["Error"]["Code"] == "InvalidAMIID.NotFound", e.response

reservation = ec2.run_instances(
    ImageId=image_id, InstanceType="m1.small", MinCount=1, MaxCount=1, KeyName="boto3-key", SecurityGroupIds=[group],
    UserData="#!/bin/sh\necho boto3-was-here\n",
    TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "client", "Value": "boto3"}]}])
instance = reservation["Instances"][0]
instance_id = instance["InstanceId"]
assert instance["State"]["Name"] == "pending", instance["State"]

running = wait_for(instance_id, "running")
assert running["KeyName"] == "boto3-key"
assert [g["GroupId"] for g in running["SecurityGroups"]] == [group]
text = console(instance_id, "IRONBARK-USERDATA-DONE")
assert "IRONBARK-USERDATA boto3-was-here" in text, text

tagged = ec2.describe_instances(Filters=[{"Name": "tag:client", "Values": ["boto3"]}, {"Name": "instance-state-name", "Values": ["running"]}])
assert [i["InstanceId"] for r in tagged["Reservations"] for i in r["Instances"]] == [instance_id], tagged

ec2.reboot_instances(InstanceIds=[instance_id])
console(instance_id, "IRONBARK-READY instance-id=" + instance_id, times=2)

changes = ec2.terminate_instances(InstanceIds=[instance_id])["TerminatingInstances"]
assert changes[0]["CurrentState"]["Name"] == "shutting-down", changes
wait_for(instance_id, "terminated")
print(json.dumps({"instance_id": instance_id}))
