"""Vectors pooled from token embeddings, for models whose embedding is a mean of them.

One forward pass over a text gives a vector per token. Means over subsets of those tokens
(a clause of a sentence; the tokens of several sentences together, for their chunk) give
vectors without running the model over the subset again. Sums and counts are kept apart so
that pools from several encodings combine into one mean. Pure numpy over token offsets; the
backend supplies the encodings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Pool:
    """One vector to pool from one text's tokens: those overlapping ``ranges`` (character
    ranges of the text, without any prompt), and with ``whole`` also the special and prompt
    tokens, which the text's own embedding pools as well."""

    ranges: tuple[tuple[int, int], ...]
    whole: bool = False


def token_masks(
    offsets: Sequence[tuple[int, int]],
    pools: Sequence[Pool],
    *,
    shift: int,
    truncated: bool = False,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
    """Per pool, a 0/1 weight per token and whether all of its ranges were encoded (when the
    model ``truncated`` the text, a range past its last token was not). ``shift`` is the
    length of the prompt before the text, whose tokens count as special ones."""
    starts = np.asarray([a for a, _ in offsets], dtype=np.int64) - shift
    ends = np.asarray([b for _, b in offsets], dtype=np.int64) - shift
    real = ends > np.maximum(starts, 0)  # text tokens (special tokens are (0, 0), the prompt's < 0)
    covered = (int(ends[real].max()) if real.any() else 0) if truncated else np.iinfo(np.int64).max
    masks = np.zeros((len(pools), len(offsets)), dtype=np.float32)
    complete = np.ones(len(pools), dtype=np.bool_)
    for row, pool in enumerate(pools):
        keep = ~real if pool.whole else np.zeros(len(offsets), dtype=np.bool_)
        complete[row] = bool(pool.ranges)
        for a, b in pool.ranges:
            keep |= real & (starts < b) & (ends > a)
            if b > covered:
                complete[row] = False
        masks[row] = keep
    return masks, complete


@dataclass(frozen=True, slots=True)
class TokenSums:
    """One text's pools: row i is the sum of pool i's token vectors over ``counts[i]`` tokens;
    ``complete[i]`` says whether all of its ranges were encoded."""

    sums: npt.NDArray[np.float32]
    counts: npt.NDArray[np.float32]
    complete: npt.NDArray[np.bool_]


def sum_pools(
    tokens: npt.NDArray[np.float32],
    offsets: Sequence[tuple[int, int]],
    pools: Sequence[Pool],
    *,
    shift: int,
    truncated: bool = False,
) -> TokenSums:
    """The pools of one encoded text (``tokens`` row t has character offsets ``offsets[t]``)."""
    masks, complete = token_masks(offsets, pools, shift=shift, truncated=truncated)
    return TokenSums(np.asarray(masks @ tokens, dtype=np.float32), masks.sum(axis=1), complete)


def unpooled(pools: Sequence[Pool], width: int) -> TokenSums:
    """Pools that could not be pooled (all incomplete)."""
    n = len(pools)
    return TokenSums(
        np.zeros((n, width), dtype=np.float32),
        np.zeros(n, dtype=np.float32),
        np.zeros(n, dtype=np.bool_),
    )
