"""boto3 EC2 against Ironbark: launch two test guests with user-data, see them run, read their
consoles, tag and filter them, reboot one, terminate both. Run with Debian's /usr/bin/python3.

Usage: boto3_ec2.py ENDPOINT IMAGE_ID. Credentials and region come from the usual AWS_* variables.
Fails with an AssertionError on any wrong answer; on success prints {"instance_ids": [...]} for the
caller to check on the host that their QEMU processes are gone.
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
    ImageId=image_id, InstanceType="m1.small", MinCount=2, MaxCount=2, KeyName="boto3-key", SecurityGroupIds=[group],
    UserData="#!/bin/sh\necho boto3-was-here\n",
    TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "client", "Value": "boto3"}]}])
ids = sorted(i["InstanceId"] for i in reservation["Instances"])
assert len(ids) == 2, reservation
assert all(i["State"]["Name"] == "pending" for i in reservation["Instances"]), reservation["Instances"]

for instance_id in ids:
    running = wait_for(instance_id, "running")
    assert running["KeyName"] == "boto3-key"
    assert [g["GroupId"] for g in running["SecurityGroups"]] == [group]
    text = console(instance_id, "IRONBARK-USERDATA-DONE")
    assert "IRONBARK-USERDATA boto3-was-here" in text, text

ec2.create_tags(Resources=[ids[0]], Tags=[{"Key": "boto3-name", "Value": "first"}])
tagged = ec2.describe_instances(Filters=[{"Name": "tag:client", "Values": ["boto3"]}, {"Name": "instance-state-name", "Values": ["running"]}])
assert sorted(i["InstanceId"] for r in tagged["Reservations"] for i in r["Instances"]) == ids, tagged
first = ec2.describe_instances(Filters=[{"Name": "tag:boto3-name", "Values": ["first"]}])
assert [i["InstanceId"] for r in first["Reservations"] for i in r["Instances"]] == [ids[0]], first

ec2.reboot_instances(InstanceIds=[ids[1]])
console(ids[1], "IRONBARK-READY instance-id=" + ids[1], times=2)

changes = ec2.terminate_instances(InstanceIds=ids)["TerminatingInstances"]
assert all(c["CurrentState"]["Name"] == "shutting-down" for c in changes), changes
for instance_id in ids:
    wait_for(instance_id, "terminated")
print(json.dumps({"instance_ids": ids}))
