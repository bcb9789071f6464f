"""Stores: the ``Store`` protocol and its backends."""

from index.store.base import Store

__all__ = ["Store"]
