"""The web side of ingest: fetching URLs safely, extracting articles from HTML and PDF."""
