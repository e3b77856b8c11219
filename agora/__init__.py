"""Agora: live sessions, takeaways and partner matching for cities and regions."""

__version__ = "0.1.0"
