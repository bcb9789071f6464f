"""What the bot keeps between updates: each kind behind a Protocol, with its in-memory version."""
