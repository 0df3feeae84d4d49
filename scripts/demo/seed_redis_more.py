"""What `npm run demo` adds to tests/fixtures/python-caches/seed_redis.py: aiocache's MsgPack and String
serializers, more aiocache namespaces and increments, and privex-helpers' cache manager, following
docs/formats.md.

Usage: /usr/bin/python3 scripts/demo/seed_redis_more.py <port>

Needs Debian's python3-redis and python3-msgpack. As in seed_redis.py, the libraries themselves are not
installed: each writer repeats the calls the library makes. Prints one JSON object: how many keys were written.
"""
import json
import pickle
import sys
import uuid

import msgpack
import redis

HOUR = 3600
CITIES = ["amsterdam", "berlin", "lisbon", "oslo", "prague", "vienna"]


def aiocache(r):
    """aiocache RedisCache with other serializers and namespaces: `namespace:key`, SET EX; `increment` is
    INCRBY on a plain ASCII integer; locks are `key-lock` holding a UUID."""
    # MsgPackSerializer: msgpack.dumps(value).
    for i in range(12):
        r.set(f"profiles:user:{i}", msgpack.packb({"id": i, "name": f"user {i}", "langs": ["en", "nl"][: 1 + i % 2]}), ex=6 * HOUR)
    # StringSerializer: str(value), so a dict is stored as its Python repr.
    r.set("strings:greeting", str("hello from aiocache"))
    r.set("strings:settings", str({"debug": False, "hosts": ["a.example", "b.example"], "ratio": 0.25}), ex=HOUR)
    r.set("strings:answer", str(42))
    # JsonSerializer (the default) in a namespace per feature, with a lock beside one key.
    for city in CITIES:
        r.set(f"weather:{city}", json.dumps({"city": city, "celsius": 11.5, "wind": [3, 7]}), ex=2 * HOUR)
    r.set("weather:oslo-lock", str(uuid.uuid4()), ex=HOUR)
    for page in ("home", "pricing", "docs", "blog"):
        r.incrby(f"hits:page:{page}", 17 * len(page))


def privex(r):
    """privex-helpers AsyncRedisCache: keys as given, pickle.dumps(value), SETEX with the timeout; its
    cache manager keeps a pickled set of every key at `pvx_cmgr:all_cache_keys`."""
    values = {
        "exchange_rate_USD_EUR": 0.9231,
        "exchange_rate_USD_GBP": 0.7912,
        "latest_block": {"height": 812345, "hash": "00000000000000000002a7c4", "txs": 3121},
        "node_status": ("ok", 14, True),
    }
    for key, value in values.items():
        r.setex(key, HOUR, pickle.dumps(value))
    r.set("pvx_cmgr:all_cache_keys", pickle.dumps(set(values)))


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: seed_redis_more.py <port>")
    r = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]))
    before = r.dbsize()
    aiocache(r)
    privex(r)
    print(json.dumps({"keys": r.dbsize() - before}))


if __name__ == "__main__":
    main()
