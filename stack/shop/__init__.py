"""The reference card-key platform: API service, background worker, schema, seed."""
