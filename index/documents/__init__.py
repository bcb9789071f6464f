"""Documents to articles: plain-text article files, HTML pages and PDFs, each parsed to an
``Article`` whose text every offset in newsbot points into (``parse.parse_document``)."""
