"""JSON Schemas of provlint's input contract (read with importlib.resources)."""
