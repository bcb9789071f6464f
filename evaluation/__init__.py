"""Evaluation: question sets, SQuAD, scoring and statistics over any Answerer."""
