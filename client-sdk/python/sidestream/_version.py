"""The SDK version (also sent to the sidecar as `sidestream-python/<version>`)."""

__version__ = "0.1.0"
