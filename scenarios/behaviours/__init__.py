"""Locust user behaviours: one module per kind of visitor, each a flow run once per arrival."""
