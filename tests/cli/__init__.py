"""The styrdok command as a user runs it."""
