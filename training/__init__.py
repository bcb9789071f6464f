"""Training: seeded runs of the shipped reranker and span reader (``newsbot train``)."""
