"""The `regimes` command line, on top of the engine; it starts the service only by its import string."""
