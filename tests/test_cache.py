"""The Redis cache stores JSON, never pickle: a value written to Redis cannot run code."""

import json
import pickle

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


@pytest.fixture
def redis_cache():
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        pytest.skip("REDIS_URL is not set: the cache is in-process")
    return cache  # keys here are this file's own: no FLUSHDB on the shared broker database


def test_values_are_json_in_redis(redis_cache):
    redis_cache.set("throttle-history", [1764500000.5, 1764500001.25])
    raw = redis_cache._cache.get_client().get(redis_cache.make_and_validate_key("throttle-history"))
    assert json.loads(raw) == [1764500000.5, 1764500001.25]
    assert redis_cache.get("throttle-history") == [1764500000.5, 1764500001.25]
    redis_cache.set("n", 1)
    assert redis_cache.incr("n") == 2


def test_a_pickled_value_planted_in_redis_is_not_unpickled(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    client.set(redis_cache.make_and_validate_key("planted"), pickle.dumps({"x": 1}))
    with pytest.raises(ValueError):
        redis_cache.get("planted")


def test_objects_that_only_pickle_could_store_are_refused(redis_cache):
    with pytest.raises(TypeError):
        redis_cache.set("obj", object())
