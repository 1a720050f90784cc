"""A PDF's streams compressed harder than zlib can: libdeflate's best level, the same Flate format any reader decodes.

zlib's level 9 stops searching early; libdeflate's level 12 searches far longer and finds
shorter codes for the same bytes. Measured on the long demo manual's streams (content
streams, forms, font programs, ToUnicode maps): 840.8 KB with zlib 9, 789.7 KB with
libdeflate 12 (6% off the file), in 0.4 s on two threads (libdeflate lets go of the GIL).
Zopfli would take 0.2% more off in a hundred times the time: not worth a trainer's wait.

Only what decodes to the same bytes is touched: a stream with no filter or with Flate alone
(no predictor), never an image's other codecs, never the XMP metadata (kept as the renderer
wrote it, for the tools that read it raw).

The object streams qpdf writes as it saves (where the structure tree is) are compressed
again in the saved file the same way (object_streams_recompress): 2.5 KB off the demo
manual, 25 KB off the long one.

Pure: a pikepdf document or PDF bytes in. exports/assembly.py saves every joined manual
with pdf_saved_smallest, exports/structure_tree.py every whole tagged document.
"""

import io
import re
import zlib
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import deflate
from pikepdf import Name, ObjectStreamMode, Stream

from .byte_cache import ByteCache, digest

LEVEL = 12
# Streams shorter than this are left to the saving's own zlib: the threads would cost more than they save.
SMALLEST = 256


def pdf_saved_smallest(pdf):
    """The document's bytes as small as this module makes them: streams, then object streams, at libdeflate's best."""
    streams_recompress(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=True, object_stream_mode=ObjectStreamMode.generate)
    return object_streams_recompress(buffer.getvalue())


def compressed(data):
    """The bytes in zlib's format (what /FlateDecode decodes), at libdeflate's best level."""
    return bytes(deflate.zlib_compress(data, LEVEL))


# The last joins' compressed streams: after an edit, most pages of the manual draw what they drew before.
# 16 MB: every page of two long manuals (about 0.6 MB each compressed) and the faces' programs.
KEPT = ByteCache(16 * 1024 * 1024)


def compressed_all(datas, *, threads=2):
    """Each of the bytes compressed (as `compressed`), those compressed by an earlier call taken from KEPT."""
    keys = [digest(data) for data in datas]
    found, missing = {}, {}
    for key, data in zip(keys, datas, strict=True):
        value = KEPT.get(key)
        if value is None:
            missing[key] = data
        else:
            found[key] = value
    with ThreadPoolExecutor(max_workers=threads) as pool:
        found.update(zip(missing, pool.map(compressed, missing.values()), strict=True))
    for key, value in found.items():
        KEPT.put(key, value)
    return [found[key] for key in keys]


def _recompressible(stream):
    filters = stream.get("/Filter")
    if filters is not None and filters != Name.FlateDecode:
        return False
    # An opened file's object streams are rewritten by qpdf as it saves: compressing them here would be lost work.
    return "/DecodeParms" not in stream and stream.get("/Type") not in {Name.Metadata, Name.ObjStm, Name.XRef}


def streams_recompress(pdf, *, threads=2):
    """Compress every plain or Flate stream of the document again at libdeflate's best; the number of streams changed."""
    chosen = []  # (stream, its bytes as written now, or None when it has no filter; its decoded bytes)
    for obj in pdf.objects:
        if not isinstance(obj, Stream) or not _recompressible(obj):
            continue
        flate = obj.get("/Filter") == Name.FlateDecode
        data = obj.read_bytes()
        if len(data) >= SMALLEST:
            chosen.append((obj, obj.read_raw_bytes() if flate else None, data))
    results = compressed_all([data for _stream, _raw, data in chosen], threads=threads)
    changed = 0
    for (stream, raw, _data), result in zip(chosen, results, strict=True):
        if raw is not None and len(raw) <= len(result):
            continue
        stream.write(result, filter=Name.FlateDecode)
        changed += 1
    return changed


# The object streams are written by qpdf as it saves (with zlib): they are compressed again in the saved file.
_OBJECT_STREAM = re.compile(rb"\d+ 0 obj\s*<<\s*/Type\s*/ObjStm\b")
_LENGTH = re.compile(rb"/Length (\d+)")
_XREF_DICTIONARY = re.compile(rb"\d+ 0 obj\s*(<<.*?>>)\s*stream\r?\n", re.S)


def object_streams_recompress(data, *, threads=2):
    """The saved PDF with its object streams (where qpdf writes the structure tree) compressed at libdeflate's best.

    Works on the file as qpdf writes it with object streams: a cross-reference stream at the
    end (PNG-up predictor), no incremental update, no linearization. The objects keep their
    order; their offsets and the cross-reference stream are written again. Any other file, or
    one this reading does not understand, comes back unchanged.
    """
    try:
        xref_offset = int(data.rsplit(b"startxref", 1)[1].split()[0])
        xref = _xref_read(data, xref_offset)
    except (IndexError, ValueError, KeyError, zlib.error):
        return data
    if xref is None:
        return data
    widths, columns, numbers, entries, header = xref
    offsets = sorted((entry[1], number) for number, entry in zip(numbers, entries, strict=True) if entry[0] == 1)
    if not offsets or offsets[-1][0] != xref_offset:
        return data  # the cross-reference stream is not the file's last object: not a file this reads
    chunks = {}
    for (offset, number), (end, _next) in pairwise(offsets):
        chunks[number] = data[offset:end]
    packed = [number for number, chunk in chunks.items() if _OBJECT_STREAM.match(chunk)]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        repacked = list(pool.map(_object_stream_recompressed, [chunks[number] for number in packed]))
    chunks.update(zip(packed, repacked, strict=True))
    out = bytearray(data[: offsets[0][0]])
    new_offsets = {}
    for _offset, number in offsets[:-1]:
        new_offsets[number] = len(out)
        out += chunks[number]
    xref_number = offsets[-1][1]
    new_offsets[xref_number] = len(out)
    rows = []
    for number, (kind, second, third) in zip(numbers, entries, strict=True):
        if kind == 1:
            second = new_offsets[number]
        rows.append(
            kind.to_bytes(widths[0], "big") + second.to_bytes(widths[1], "big") + third.to_bytes(widths[2], "big")
        )
    stream = zlib.compress(_png_up_encoded(rows, columns), 9)
    dictionary = _LENGTH.sub(b"/Length %d" % len(stream), header, count=1)
    out += b"%d 0 obj\n" % xref_number + dictionary + b"\nstream\n" + stream + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % new_offsets[xref_number]
    return bytes(out)


def _object_stream_recompressed(chunk):
    """An object stream's `N 0 obj … endobj` with its data compressed again, or as it was when that is not shorter."""
    head_end = chunk.index(b"stream", chunk.index(b">>")) + len(b"stream")
    head_end += 2 if chunk[head_end : head_end + 2] == b"\r\n" else 1
    head = chunk[:head_end]
    length = int(_LENGTH.search(head).group(1))
    if b"/FlateDecode" not in head or b"/DecodeParms" in head:
        return chunk
    raw = chunk[head_end : head_end + length]
    result = compressed(zlib.decompress(raw))
    if len(result) >= len(raw):
        return chunk
    return _LENGTH.sub(b"/Length %d" % len(result), head, count=1) + result + chunk[head_end + length :]


def _xref_read(data, offset):
    """(widths, columns, object numbers, entries, dictionary) of the cross-reference stream at `offset`, or None."""
    match = _XREF_DICTIONARY.match(data, offset)
    if match is None or b"/Type /XRef" not in match.group(1) or b"/Prev" in match.group(1):
        return None
    header = match.group(1)
    widths = [int(value) for value in re.search(rb"/W \[ ?(\d+) (\d+) (\d+) ?\]", header).groups()]
    size = int(re.search(rb"/Size (\d+)", header).group(1))
    index = re.search(rb"/Index \[([\d\s]+)\]", header)
    ranges = [int(value) for value in index.group(1).split()] if index else [0, size]
    numbers = [
        number for start, count in zip(ranges[::2], ranges[1::2], strict=True) for number in range(start, start + count)
    ]
    length = int(_LENGTH.search(header).group(1))
    raw = zlib.decompress(data[match.end() : match.end() + length])
    parameters = re.search(rb"/DecodeParms << /Columns (\d+) /Predictor 12 >>", header)
    columns = sum(widths)
    if parameters is None or int(parameters.group(1)) != columns:
        return None
    rows = _png_up_decoded(raw, columns)
    if len(rows) != len(numbers):
        return None
    entries = [
        tuple(
            int.from_bytes(row[start : start + width], "big")
            for start, width in zip((0, widths[0], widths[0] + widths[1]), widths, strict=True)
        )
        for row in rows
    ]
    if any(kind == 1 and second.bit_length() > 8 * widths[1] for kind, second, _third in entries):
        return None
    return widths, columns, numbers, entries, header


def _png_up_decoded(raw, columns):
    rows, previous = [], bytes(columns)
    for start in range(0, len(raw), columns + 1):
        if raw[start] != 2:
            raise ValueError("a cross-reference row not filtered with PNG up")
        row = bytes(
            (value + above) & 0xFF for value, above in zip(raw[start + 1 : start + 1 + columns], previous, strict=True)
        )
        rows.append(row)
        previous = row
    return rows


def _png_up_encoded(rows, columns):
    out, previous = bytearray(), bytes(columns)
    for row in rows:
        out.append(2)
        out += bytes((value - above) & 0xFF for value, above in zip(row, previous, strict=True))
        previous = row
    return bytes(out)
