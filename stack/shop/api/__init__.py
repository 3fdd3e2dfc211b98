"""The shop's HTTP API (FastAPI on uvicorn), one module per concern."""
