# Terraform's AWS provider against Ironbark: a key pair, two security groups (inline rules; a rule resource), an instance of the
# installed image in the default subnet, and an elastic IP associated with it; the default VPC and its
# subnets come from data sources. TerraformTests applies, plans again (no changes) and destroys it.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "ec2_endpoint" { type = string }
variable "s3_endpoint" { type = string }
variable "region" { type = string }
variable "image_id" { type = string }
variable "name" { type = string }
variable "public_key" { type = string }

provider "aws" {
  region = var.region
  endpoints {
    ec2 = var.ec2_endpoint
    sts = var.ec2_endpoint
    s3  = var.s3_endpoint
  }
  # "ironbark" is not a region the provider knows.
  skip_region_validation = true
  # Credentials come from the environment; no instance profile to look for.
  skip_metadata_api_check = true
}

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

resource "aws_key_pair" "deployer" {
  key_name   = var.name
  public_key = var.public_key
}

resource "aws_security_group" "web" {
  name        = var.name
  description = "web servers from terraform"
  vpc_id      = data.aws_vpc.default.id

  ingress {
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# Rules as resources of their own, on a second group: the provider's documentation forbids mixing them with
# inline rules on one group (each plan would then undo the other).
resource "aws_security_group" "admin" {
  name        = "${var.name}-admin"
  description = "admin access from terraform"
  vpc_id      = data.aws_vpc.default.id
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id = aws_security_group.admin.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "192.168.0.0/16"
}

resource "aws_instance" "web" {
  ami                    = var.image_id
  instance_type          = "m1.small"
  key_name               = aws_key_pair.deployer.key_name
  subnet_id              = sort(data.aws_subnets.default.ids)[0]
  vpc_security_group_ids = [aws_security_group.web.id, aws_security_group.admin.id]
  tags = {
    Name = var.name
  }
}

resource "aws_eip" "web" {
  domain = "vpc"
}

resource "aws_eip_association" "web" {
  instance_id   = aws_instance.web.id
  allocation_id = aws_eip.web.id
}

output "vpc_id" { value = data.aws_vpc.default.id }
output "subnet_ids" { value = data.aws_subnets.default.ids }
output "security_group_id" { value = aws_security_group.web.id }
output "admin_group_id" { value = aws_security_group.admin.id }
output "instance_id" { value = aws_instance.web.id }
output "allocation_id" { value = aws_eip.web.id }
output "public_ip" { value = aws_eip.web.public_ip }
