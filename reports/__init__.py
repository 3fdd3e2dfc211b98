"""Verdicts: metrics store, SLO evaluation, integrity audit, charts, HTML/JSON/JUnit reports."""
