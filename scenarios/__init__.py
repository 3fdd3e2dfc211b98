"""Load: Locust user behaviours, open-model arrivals, load shapes and scenario files."""
