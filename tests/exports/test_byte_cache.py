"""What a joining worker keeps of its last joins: bounded, and never a different result than making it again."""

from exports import stream_compression
from exports.byte_cache import ByteCache, digest


def test_the_cache_keeps_within_its_budget_the_most_recently_used_first():
    cache = ByteCache(budget=10)
    cache.put(b"a", b"1234")
    cache.put(b"b", b"5678")
    assert cache.get(b"a") == b"1234"  # now the most recently used
    cache.put(b"c", b"90ab")
    assert (cache.get(b"a"), cache.get(b"b"), cache.get(b"c")) == (b"1234", None, b"90ab")
    assert cache.size == 8
    cache.put(b"d", b"x" * 11)  # larger than the whole budget: not kept, nothing dropped for it
    assert cache.get(b"d") is None and cache.size == 8


def test_a_digest_tells_pieces_apart_where_their_joined_bytes_are_the_same():
    assert digest(b"ab", b"c") != digest(b"a", b"bc")
    assert digest("ab") == digest(b"ab")


def test_compressing_the_same_streams_again_takes_them_from_the_cache_and_gives_the_same_bytes(monkeypatch):
    stream_compression.KEPT.clear()
    datas = [b"BT /F1 12 Tf (page %d) Tj ET\n" % number * 40 for number in range(6)]
    first = stream_compression.compressed_all(datas)
    made = []
    monkeypatch.setattr(stream_compression, "compressed", lambda data: made.append(data) or b"never")
    again = stream_compression.compressed_all([*datas, b"a new page"])
    assert again[:6] == first and made == [b"a new page"]
