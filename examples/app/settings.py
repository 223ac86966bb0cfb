"""Application settings (FAKE keys planted for keyhound's demo)."""
import os

DEBUG = os.environ.get("DEBUG") == "1"
# Documentation examples like this one are not leaks and stay hidden by default:
S3_EXAMPLE_KEY = "AKIAIOSFODNN7EXAMPLE"
GITHUB_TOKEN = "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"
DATABASE_URL = os.environ["DATABASE_URL"]
