"""The live channel's server (`python -m backend.live`): see app.py."""
