"""リード leads, their follow-up actions and conversion (S3)."""
