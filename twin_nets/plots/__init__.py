"""Plotting helpers shared by several figure scripts (``scripts/``): drawing only, no model code."""
