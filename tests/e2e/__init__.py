"""Browser tests for the PWA (a package, so its conftest never shadows tests/conftest.py)."""
