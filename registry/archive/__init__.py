"""What keeps the register trustworthy over time: the audit trail and its chain, signed checkpoints
of its head, backup and restore, and the store of original files."""
