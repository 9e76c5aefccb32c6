"""The package's version, in a module of its own so any layer can read it without importing
the package root (whose lazy API would pull the entry points in: an import circle)."""

__version__ = "0.1.0"
