"""One embedded subset per font face in a joined PDF: the parts' subsets of a face merged into one.

Each part of a manual is laid out on its own, so each embeds its own subset of every face it
uses, and a joined manual would carry the same face once per part (the issue 13 figures: font
programs 47% of the file, eight times plain WeasyPrint's). WeasyPrint names a subset after its
face (the same tag in every part) and keeps the face's glyph ids (retain-gids subsetting, the
Identity CID map), so the subsets of one face differ only in which glyphs they hold: merging
their glyphs, widths and ToUnicode entries gives the subset a whole layout would have embedded,
and every page's font resources can then point at that one font.

Pure: PDF in (a pikepdf document), the same document changed in place.
"""

import io
import logging
import re

from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph
from pikepdf import Array, Dictionary, Name, Stream

logger = logging.getLogger(__name__)

_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFCHAR_ENTRY = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
_FIXED_PITCH = 1


def fonts_merge(pdf):
    """Give the document one font per face: merge the subsets that share a name, point every resource at it.

    A face is merged only when all its fonts are TrueType CID fonts as WeasyPrint writes them
    (Identity-H, Identity CID map, a bfchar ToUnicode); anything else is left as it is.
    Returns the number of font dictionaries folded into others.
    """
    faces = {}
    for font in _resource_fonts(pdf):
        faces.setdefault(str(font.get("/BaseFont", "")), {})[font.objgen] = font
    replacements = {}
    for fonts in faces.values():
        fonts = list(fonts.values())
        if len(fonts) < 2 or not all(_mergeable(font) for font in fonts):
            continue
        keeper = fonts[0]
        try:
            _merge_into(pdf, keeper, fonts)
        except Exception:  # a font fontTools cannot read: the face keeps one subset per part
            logger.warning("font subsets of %s not merged", keeper.get("/BaseFont"), exc_info=True)
            continue
        replacements.update({font.objgen: keeper for font in fonts[1:]})
    if replacements:
        for resources in _font_resources(pdf):
            for key, font in list(resources.items()):
                if isinstance(font, Dictionary) and font.is_indirect and font.objgen in replacements:
                    resources[key] = replacements[font.objgen]
    return len(replacements)


def _resource_dictionaries(pdf):
    """Every /Resources dictionary of the pages and of the forms they draw, each once."""
    seen, stack = set(), [page.obj.get("/Resources") for page in pdf.pages]
    while stack:
        resources = stack.pop()
        if not isinstance(resources, Dictionary):
            continue
        key = resources.objgen if resources.is_indirect else id(resources)
        if key in seen:
            continue
        seen.add(key)
        yield resources
        for xobject in resources.get("/XObject", Dictionary()).values():
            if isinstance(xobject, Stream) and xobject.get("/Subtype") == Name.Form:
                stack.append(xobject.get("/Resources"))


def _font_resources(pdf):
    return [
        resources.Font for resources in _resource_dictionaries(pdf) if isinstance(resources.get("/Font"), Dictionary)
    ]


def _resource_fonts(pdf):
    return [font for fonts in _font_resources(pdf) for font in fonts.values() if isinstance(font, Dictionary)]


def _mergeable(font):
    if not font.is_indirect or font.get("/Subtype") != Name.Type0 or font.get("/Encoding") != Name("/Identity-H"):
        return False
    descendants = font.get("/DescendantFonts")
    if not isinstance(descendants, Array) or len(descendants) != 1:
        return False
    cid_font = descendants[0]
    descriptor = cid_font.get("/FontDescriptor")
    return (
        cid_font.get("/Subtype") == Name.CIDFontType2
        and cid_font.get("/CIDToGIDMap") == Name.Identity
        and isinstance(descriptor, Dictionary)
        and isinstance(descriptor.get("/FontFile2"), Stream)
        and isinstance(font.get("/ToUnicode"), Stream)
        and b"beginbfrange" not in font.ToUnicode.read_bytes()
    )


def _merge_into(pdf, keeper, fonts):
    """Make `keeper` hold the glyphs, widths and Unicode text of all `fonts` (one face's subsets)."""
    widths, texts = {}, {}
    for font in fonts:
        for cid, width in _widths(font.DescendantFonts[0].get("/W", Array())).items():
            widths.setdefault(cid, width)
        for cid, text in _to_unicode(font.ToUnicode.read_bytes()).items():
            # A glyph keeps the text its first part gave it (WeasyPrint's own rule within a document).
            texts.setdefault(cid, text)
    program = _program_merge(
        [font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes() for font in fonts],
        [_widths(font.DescendantFonts[0].get("/W", Array())).keys() for font in fonts],
    )
    cid_font = keeper.DescendantFonts[0]
    descriptor = cid_font.FontDescriptor
    descriptor.FontFile2 = pdf.make_stream(program, Length1=len(program))
    bbox = [float(value) for value in descriptor.FontBBox]
    for font in fonts:
        other = [float(value) for value in font.DescendantFonts[0].FontDescriptor.FontBBox]
        bbox = [min(bbox[0], other[0]), min(bbox[1], other[1]), max(bbox[2], other[2]), max(bbox[3], other[3])]
    descriptor.FontBBox = Array([round(value) if value == int(value) else value for value in bbox])
    flags = int(descriptor.get("/Flags", 0))
    if flags & _FIXED_PITCH and len(set(widths.values())) > 1:
        descriptor.Flags = flags & ~_FIXED_PITCH
    if "/CIDSet" in descriptor:
        descriptor.CIDSet = pdf.make_stream(_cid_set(widths))
    cid_font.W = _widths_array(widths)
    keeper.ToUnicode = pdf.make_stream(_to_unicode_cmap(texts))


def _program_merge(programs, drawn):
    """One TrueType font holding every glyph any of the subsets draws, at its own glyph id.

    `drawn[i]` are the glyph ids the i-th subset's text draws (its widths). The subset with the
    most glyph ids is read with fontTools; from the others only those glyphs' bytes are taken
    (with the retained ids, a composite's parts have the same ids in every subset), and the font
    is written without recomputing every glyph's box: the font-wide figures are the subsets' extremes.
    """
    fonts = [_RawFont(program) for program in programs]
    base_raw = max(fonts, key=lambda font: font.glyph_count)
    base = TTFont(io.BytesIO(base_raw.data), recalcBBoxes=False, lazy=True)
    base_order = base.getGlyphOrder()
    base_glyphs, base_metrics = base["glyf"], base["hmtx"]
    for font, gids in zip(fonts, drawn, strict=True):
        if font is base_raw:
            continue
        pending, done = [gid for gid in gids if gid < font.glyph_count], set()
        while pending:
            gid = pending.pop()
            if gid in done:
                continue
            done.add(gid)
            name = base_order[gid]
            metrics = font.metrics(gid)
            if base_metrics[name] == (0, 0) and metrics != (0, 0):
                # A glyph with no outline (a space) still has its advance.
                base_metrics[name] = metrics
            data = font.glyph(gid)
            if len(data) < 2 or _contours(base_glyphs, name) != 0:
                continue
            pending += _components(data)
            base_glyphs.glyphs[name] = Glyph(data)
            base_metrics[name] = metrics
    _extremes_keep(base, [TTFont(io.BytesIO(font.data), lazy=True) for font in fonts])
    buffer = io.BytesIO()
    base.save(buffer)
    return buffer.getvalue()


class _RawFont:
    """The few tables of a TrueType font the merge reads, straight from its bytes (no decoding of every glyph)."""

    def __init__(self, data):
        self.data = data
        count = int.from_bytes(data[4:6], "big")
        self.tables = {}
        for record in range(12, 12 + 16 * count, 16):
            tag = data[record : record + 4]
            offset = int.from_bytes(data[record + 8 : record + 12], "big")
            length = int.from_bytes(data[record + 12 : record + 16], "big")
            self.tables[tag] = data[offset : offset + length]
        self.glyph_count = int.from_bytes(self.tables[b"maxp"][4:6], "big")
        long_offsets = int.from_bytes(self.tables[b"head"][50:52], "big", signed=True) == 1
        loca = self.tables[b"loca"]
        width = 4 if long_offsets else 2
        self.offsets = [
            int.from_bytes(loca[index : index + width], "big") * (1 if long_offsets else 2)
            for index in range(0, width * (self.glyph_count + 1), width)
        ]
        self.long_metrics = int.from_bytes(self.tables[b"hhea"][34:36], "big")

    def glyph(self, gid):
        return self.tables[b"glyf"][self.offsets[gid] : self.offsets[gid + 1]]

    def metrics(self, gid):
        hmtx = self.tables[b"hmtx"]
        last = self.long_metrics - 1
        advance = int.from_bytes(hmtx[4 * min(gid, last) : 4 * min(gid, last) + 2], "big")
        if gid <= last:
            side = hmtx[4 * gid + 2 : 4 * gid + 4]
        else:
            start = 4 * self.long_metrics + 2 * (gid - self.long_metrics)
            side = hmtx[start : start + 2]
        return advance, int.from_bytes(side, "big", signed=True)


# Composite glyph flags (OpenType glyf table).
_WORD_ARGUMENTS, _SCALE, _MORE, _XY_SCALE, _TWO_BY_TWO = 0x1, 0x8, 0x20, 0x40, 0x80


def _components(data):
    """The glyph ids a composite glyph's record draws (none for a simple glyph)."""
    if int.from_bytes(data[:2], "big", signed=True) >= 0:
        return []
    gids, position, flags = [], 10, _MORE
    while flags & _MORE:
        flags = int.from_bytes(data[position : position + 2], "big")
        gids.append(int.from_bytes(data[position + 2 : position + 4], "big"))
        position += 4 + (4 if flags & _WORD_ARGUMENTS else 2)
        position += 2 if flags & _SCALE else 4 if flags & _XY_SCALE else 8 if flags & _TWO_BY_TWO else 0
    return gids


def _contours(glyphs, name):
    """A glyph's number of contours (0: empty, -1: composite), read from its bytes when it was not decoded."""
    glyph = glyphs.glyphs[name]
    if not hasattr(glyph, "data"):
        return glyph.numberOfContours
    return int.from_bytes(glyph.data[:2], "big", signed=True) if len(glyph.data) >= 2 else 0


def _extremes_keep(base, fonts):
    """The font-wide boxes and maxima of the merged font: the widest of its subsets'."""
    for table, fields, pick in (
        ("head", ("xMin", "yMin"), min),
        ("head", ("xMax", "yMax"), max),
        ("hhea", ("advanceWidthMax", "xMaxExtent"), max),
        ("hhea", ("minLeftSideBearing", "minRightSideBearing"), min),
        ("maxp", ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours"), max),
        ("maxp", ("maxComponentElements", "maxComponentDepth"), max),
    ):
        for field in fields:
            values = [getattr(font[table], field) for font in fonts if hasattr(font[table], field)]
            if values:
                setattr(base[table], field, pick(values))


def _widths(array):
    """{cid: width} of a CID font's /W array (both its `c [w ...]` and `first last w` forms)."""
    widths, index, items = {}, 0, list(array)
    while index < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], Array):
            for offset, width in enumerate(items[index + 1]):
                widths[first + offset] = float(width)
            index += 2
        else:
            for cid in range(first, int(items[index + 1]) + 1):
                widths[cid] = float(items[index + 2])
            index += 3
    return widths


def _widths_array(widths):
    array, run = Array(), None
    for cid in sorted(widths):
        if run is None or cid - 1 not in widths:
            run = Array()
            array.append(cid)
            array.append(run)
        width = widths[cid]
        run.append(int(width) if width == int(width) else width)
    return array


def _to_unicode(cmap):
    """{cid: UTF-16BE hex text} of a ToUnicode CMap written with bfchar entries."""
    return {int(cid, 16): text.lower() for block in _BFCHAR.findall(cmap) for cid, text in _BFCHAR_ENTRY.findall(block)}


def _to_unicode_cmap(texts):
    """A ToUnicode CMap as WeasyPrint writes it (bfchar blocks of at most 100 entries)."""
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo",
        b"<< /Registry (Adobe)",
        b"/Ordering (UCS)",
        b"/Supplement 0",
        b">> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(texts.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{cid:04x}> <".encode() + text + b">" for cid, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _cid_set(widths):
    size = max(widths, default=0) // 8 + 1
    bits = bytearray(size)
    for cid in widths:
        bits[cid // 8] |= 0x80 >> (cid % 8)
    return bytes(bits)
