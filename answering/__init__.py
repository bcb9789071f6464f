"""Answering: from a question and retrieved passages to a short answer with checked quotes."""
