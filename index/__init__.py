"""newsbot's retrieval side: articles, chunking, embedding, the FAISS + SQLite store and search.

Nothing here imports ``telegram`` or reads the environment; ``bot/`` builds these objects and
passes them down.
"""
