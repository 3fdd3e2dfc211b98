"""Fakes of third-party services the platform depends on."""
