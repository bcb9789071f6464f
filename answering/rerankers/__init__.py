"""Rerankers: score (question, sentence) pairs; the protocol and one module per backend."""
