# FAKE keys for keyhound's demo
provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIA7WSZWOS7XA3L3FVX"
  secret_key = "IIWKaNwGu0e+e64HmE/tWN2EABTPu1m0ugeWOg7G"
}

resource "aws_s3_bucket" "logs" {
  bucket = "example-logs"
}
