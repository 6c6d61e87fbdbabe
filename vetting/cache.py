"""JSON instead of pickle for the Redis cache.

Django's Redis backend pickles values, so anyone who can write to Redis could make every web
process run code when it reads the cache. What Vetting caches (throttle histories, counters)
is plain data; JSON cannot carry code. Integers stay bare so INCR keeps working.
"""

from __future__ import annotations

import json
from typing import Any


class JSONSerializer:
    def dumps(self, obj: Any) -> bytes | int:
        if type(obj) is int:  # not bool: Django's own serializer draws the same line
            return obj
        return json.dumps(obj, separators=(",", ":")).encode()

    def loads(self, data: bytes) -> Any:
        try:
            return int(data)
        except ValueError:
            return json.loads(data)
