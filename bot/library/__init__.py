"""What operators do to a running bot's index, and its one implementation."""
