"""HTTP: the FastAPI application, its feed endpoint and pages."""
