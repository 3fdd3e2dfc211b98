"""The system under test (shop, gateway, infrastructure) and how it is brought up."""
