"""Comparison across regimes: topic tables, matrix, diff (core) and their renderers (render)."""
