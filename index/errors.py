"""The error tree of newsbot.

Every error a user may meet carries a ``code`` (a key into the localized UI strings in
``prompts/``), its ``params`` and an English ``user_message`` that is safe to show. The
exception's own text (``str(e)``) is for logs only and is never shown to a user.

    NewsBotError
    ├── ConfigError              settings or environment are wrong
    ├── InputError               a user's question is unusable
    │   ├── EmptyQuestionError
    │   └── QuestionTooLongError
    ├── ArticleError             an article file cannot be indexed
    │   ├── EmptyArticleError
    │   ├── BinaryArticleError
    │   ├── ArticleTooLargeError
    │   ├── ArticleEncodingError
    │   ├── ArticleHeaderError
    │   ├── NoArticleTextError     a page or PDF with no article text in it
    │   └── PdfNoTextError         a PDF of scanned images only
    ├── FetchError               a URL could not be fetched
    │   ├── UrlRefusedError        not http(s), or a private address
    │   ├── HttpStatusError        404, 5xx, ...
    │   ├── FetchTimeoutError
    │   ├── HostNotFoundError      the host name does not resolve
    │   ├── ConnectionRefusedFetchError  nothing listens at the address
    │   ├── FetchTooLargeError
    │   └── ContentTypeError       not a page, PDF or feed
    ├── FeedError                a feed is malformed or empty
    ├── StoreError               the index on disk
    │   ├── IndexModelMismatchError
    │   ├── IndexSettingsMismatchError  built with other chunking or for another index format
    │   ├── IndexCorruptError
    │   ├── IndexSchemaError     a database schema of another version
    │   └── StoreUnavailableError  the database server cannot be reached (for now)
    └── ModelError               a model could not be loaded or run
"""

from __future__ import annotations

from typing import Any


class NewsBotError(Exception):
    """Base of every error newsbot raises on purpose."""

    code: str = "internal"
    default_user_message: str = "Something went wrong on my side. Please try again later."

    def __init__(self, detail: str = "", *, user_message: str | None = None, **params: Any) -> None:
        super().__init__(detail or self.default_user_message)
        self.detail = detail
        self.params: dict[str, Any] = params
        self.user_message = user_message or self.default_user_message.format(**params)


class ConfigError(NewsBotError):
    code = "config"
    default_user_message = "The bot is not configured correctly."


class InputError(NewsBotError):
    code = "bad_input"
    default_user_message = "I could not understand that question."


class EmptyQuestionError(InputError):
    code = "empty_question"
    default_user_message = "Please ask a question in words."


class QuestionTooLongError(InputError):
    code = "question_too_long"
    default_user_message = "That question is too long: please keep it under {limit} characters."


class ArticleError(NewsBotError):
    code = "bad_article"
    default_user_message = "This article could not be read."


class EmptyArticleError(ArticleError):
    code = "empty_article"
    default_user_message = "The article is empty."


class BinaryArticleError(ArticleError):
    code = "binary_article"
    default_user_message = "The file is not text (it looks binary)."


class ArticleTooLargeError(ArticleError):
    code = "article_too_large"
    default_user_message = "The file is too large ({size} bytes; the limit is {limit})."


class ArticleEncodingError(ArticleError):
    code = "article_encoding"
    default_user_message = "The file's text encoding could not be determined."


class ArticleHeaderError(ArticleError):
    code = "article_header"
    default_user_message = "The article header is malformed: {problem}."


class NoArticleTextError(ArticleError):
    code = "no_article_text"
    default_user_message = "No article text was found in it."


class PdfNoTextError(ArticleError):
    code = "pdf_no_text"
    default_user_message = "The PDF has no text layer (scanned images only)."


class FetchError(NewsBotError):
    code = "fetch"
    default_user_message = "The page could not be fetched."


class UrlRefusedError(FetchError):
    code = "url_refused"
    default_user_message = "This URL is not allowed: {reason}."


class HttpStatusError(FetchError):
    code = "http_status"
    default_user_message = "The server answered with HTTP status {status}."


class FetchTimeoutError(FetchError):
    code = "fetch_timeout"
    default_user_message = "The server did not answer in time."


class HostNotFoundError(FetchError):
    code = "host_not_found"
    default_user_message = "The host {host} was not found: check the address."


class ConnectionRefusedFetchError(FetchError):
    code = "connection_refused"
    default_user_message = "The server {host} refused the connection."


class FetchTooLargeError(FetchError):
    code = "fetch_too_large"
    default_user_message = "The download is too large (over {limit} bytes)."


class ContentTypeError(FetchError):
    code = "content_type"
    default_user_message = "This is not an article, PDF or feed (content type {content_type})."


class FeedError(NewsBotError):
    code = "bad_feed"
    default_user_message = "The feed could not be read: {problem}."


class StoreError(NewsBotError):
    code = "store"
    default_user_message = "The article index could not be opened."


class IndexModelMismatchError(StoreError):
    code = "index_model_mismatch"
    default_user_message = (
        "The index was built with the embedding model {built_with!r}, but {configured!r} is "
        "configured. Re-index the articles (move the index folder away and run `newsbot ingest` "
        "again) or configure the original model."
    )


class IndexSettingsMismatchError(StoreError):
    code = "index_settings_mismatch"
    default_user_message = (
        "The index was built with other settings ({differences}). Move the index folder "
        "{folder} away and run `newsbot ingest` on the articles again, or configure the "
        "settings it was built with."
    )


class IndexCorruptError(StoreError):
    code = "index_corrupt"
    default_user_message = "The article index on disk is damaged; re-index the articles."


class IndexSchemaError(StoreError):
    code = "index_schema"
    default_user_message = "The article database has schema {found}; newsbot needs {expected}."


class StoreUnavailableError(StoreError):
    code = "store_unavailable"
    default_user_message = (
        "Sorry, the article database cannot be reached just now. Please try again in a minute."
    )


class ModelError(NewsBotError):
    code = "model"
    default_user_message = "A language model could not be loaded."
