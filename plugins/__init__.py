"""provlint's built-in plugins: one module per check, plus the built-in header
parsers and output formats. They register through the same hooks as
third-party plugins, from the explicit list in `provlint.registry`."""
