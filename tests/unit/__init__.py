"""Pure functions and the architecture: no database."""
