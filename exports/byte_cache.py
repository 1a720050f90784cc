"""A process's small cache of bytes made from bytes, within a byte budget: what a worker joining manual after manual makes again.

An edit changes one module: at the next join the other pages' content streams and the
faces' merged font programs come out the same as last time. The worker that joins keeps
the last results, keyed by a digest of what they were made from, and spends no time on
them again. The budget bounds the memory a long-lived worker gives them (the oldest go first).
"""

import hashlib
from collections import OrderedDict


def digest(*pieces):
    """A key for these bytes (and strings): 16 bytes of BLAKE2b, each piece's length mixed in."""
    hasher = hashlib.blake2b(digest_size=16)
    for piece in pieces:
        data = piece.encode() if isinstance(piece, str) else piece
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.digest()


class ByteCache:
    """{key: bytes}, least recently used out first once the values pass `budget` bytes."""

    def __init__(self, budget):
        self.budget = budget
        self.size = 0
        self.values = OrderedDict()

    def get(self, key):
        value = self.values.get(key)
        if value is not None:
            self.values.move_to_end(key)
        return value

    def put(self, key, value):
        if len(value) > self.budget:
            return
        if key in self.values:
            self.size -= len(self.values.pop(key))
        self.values[key] = value
        self.size += len(value)
        while self.size > self.budget:
            _key, oldest = self.values.popitem(last=False)
            self.size -= len(oldest)

    def clear(self):
        self.values.clear()
        self.size = 0
