"""scalelint: find what breaks a Python web application at 10x and 100x users."""

__version__ = "0.1.0"
