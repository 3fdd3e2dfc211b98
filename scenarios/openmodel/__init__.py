"""Open-model load on Locust: a seeded arrival schedule, scheduled-start latencies, histograms."""
