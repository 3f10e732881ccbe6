"""The write verbs and the read side against a real database (a savepoint per test)."""
