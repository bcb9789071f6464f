"""Update claims in Redis, shared by the workers: who came first, and whose work is orphaned.

Keys under ``prefix``: one per update (``SET NX EX``: the first claim wins, for a day); the
hash ``owners`` (update id -> the token of the worker handling it) and ``payloads`` (update id
-> the update's JSON) for the messages not finished yet; ``worker:TOKEN``, each worker's lease
(``PX``), renewed by ``tend``. Each step is one Lua script, so two workers taking over the
same update cannot both win.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from typing import Any

from bot.telegram.journal import Pending
from bot.telegram.state.claims import CLAIM_TTL_S
from bot.telegram.state.redis_base import Client, shielded
from bot.telegram.state.ttl_cache import Clock, check_positive

logger = logging.getLogger(__name__)

#: How long a worker's lease lasts unless renewed (``state.worker_lease_s`` in Settings).
WORKER_LEASE_S = 30.0

# KEYS: the update's claim, owners, payloads, this worker's lease.
# ARGV: this worker's token, the claim's time to live (s), the payload ('' none), the update
# id, the lease (ms).
_CLAIM = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 0 end
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[4], ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[4], ARGV[3])
  redis.call('SET', KEYS[4], '1', 'PX', ARGV[5])
end
return 1
"""
# KEYS: owners, this worker's lease, the update's claim.
# ARGV: the update id, this worker's token, the prefix of the workers' leases, the lease (ms).
_ADOPT = """
local owner = redis.call('HGET', KEYS[1], ARGV[1])
if not owner then
  -- finished; or Redis never heard of it (it was away, or restarted): then the journal's
  -- copy is the only one
  return 1 - redis.call('EXISTS', KEYS[3])
end
if owner ~= ARGV[2] and redis.call('EXISTS', ARGV[3] .. owner) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
return 1
"""
# KEYS: owners, payloads, this worker's lease.
# ARGV: this worker's token, the prefix of the workers' leases, the lease (ms).
# Returns the ids taken over, each followed by its payload.
_TEND = """
redis.call('SET', KEYS[3], '1', 'PX', ARGV[3])
local taken = {}
local owners = redis.call('HGETALL', KEYS[1])
for i = 1, #owners, 2 do
  local id, owner = owners[i], owners[i + 1]
  if owner ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. owner) == 0 then
    redis.call('HSET', KEYS[1], id, ARGV[1])
    table.insert(taken, id)
    table.insert(taken, redis.call('HGET', KEYS[2], id) or '')
  end
end
return taken
"""


def _handle() -> bool:
    return True


def _none() -> None:
    return None


def _nothing() -> list[Pending]:
    return []


class RedisClaims:
    """``UpdateClaims`` shared by the workers (see the module docstring). When Redis is away
    an update is handled (twice at worst, rather than never), and nothing is taken over."""

    def __init__(
        self,
        client: Client,
        prefix: str,
        *,
        lease_s: float = WORKER_LEASE_S,
        ttl_s: float = CLAIM_TTL_S,
        token: str = "",
        clock: Clock = time.time,
    ) -> None:
        check_positive(lease_s=lease_s, ttl_s=ttl_s)
        self._client, self._prefix, self._clock = client, prefix, clock
        self._owners, self._payloads = f"{prefix}owners", f"{prefix}payloads"
        self._workers = f"{prefix}worker:"
        self.token = token or secrets.token_hex(8)
        self._lease = f"{self._workers}{self.token}"
        self._lease_ms = max(1, round(lease_s * 1000))
        self._ttl_s = max(1, round(ttl_s))
        self._claim = client.register_script(_CLAIM)
        self._adopt = client.register_script(_ADOPT)
        self._tend = client.register_script(_TEND)

    @shielded(_handle)
    async def claim(self, update_id: int, payload: dict[str, Any] | None = None) -> bool:
        copy = "" if payload is None else json.dumps({"at": self._clock(), "update": payload})
        keys = [f"{self._prefix}{update_id}", self._owners, self._payloads, self._lease]
        args: list[str | int] = [self.token, self._ttl_s, copy, update_id, self._lease_ms]
        return bool(await self._claim(keys=keys, args=args))

    @shielded(_none)
    async def done(self, update_id: int) -> None:
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.hdel(self._owners, str(update_id))
            pipe.hdel(self._payloads, str(update_id))
            await pipe.execute()

    @shielded(_handle)
    async def adopt(self, update_id: int) -> bool:
        keys = [self._owners, self._lease, f"{self._prefix}{update_id}"]
        args: list[str | int] = [update_id, self.token, self._workers, self._lease_ms]
        return bool(await self._adopt(keys=keys, args=args))

    @shielded(_nothing)
    async def tend(self, max_age_s: float) -> list[Pending]:
        keys = [self._owners, self._payloads, self._lease]
        taken = await self._tend(keys=keys, args=[self.token, self._workers, self._lease_ms])
        now, orphans = self._clock(), []
        for update_id, copy in zip(taken[::2], taken[1::2], strict=True):
            try:
                data = json.loads(copy)
                orphan = Pending(int(update_id), data["update"], float(data["at"]))
            except (ValueError, TypeError, KeyError) as exc:  # written by another version
                logger.warning("Dropping the unreadable copy of update %s: %s", update_id, exc)
                await self.done(int(update_id))
                continue
            if now - orphan.received_at > max_age_s:
                logger.warning("Update %s of a stopped worker is too old to answer", update_id)
                await self.done(orphan.update_id)
                continue
            orphans.append(orphan)
        return orphans

    @shielded(_none)
    async def retire(self) -> None:
        await self._client.delete(self._lease)
