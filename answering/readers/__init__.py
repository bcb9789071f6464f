"""Readers: the sentence that answers and the short answer inside it."""
