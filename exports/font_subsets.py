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
from fontTools.ttLib.tables._g_l_y_f import Glyph, flagOnCurve
from fontTools.ttLib.tables.ttProgram import Program
from pikepdf import Array, Dictionary, Name, Stream

from .byte_cache import ByteCache, digest

logger = logging.getLogger(__name__)

_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFCHAR_ENTRY = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
_FIXED_PITCH = 1
# The faces' merged programs of the last joins: after an edit most faces' subsets are the ones merged before.
MERGED = ByteCache(8 * 1024 * 1024)


def fonts_merge(pdf):
    """Give the document one font program per face: merge the subsets that share a name, point every resource at it.

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
        try:
            replacements.update(_merge(pdf, fonts))
        except Exception:  # a font fontTools cannot read: the face keeps one subset per part
            logger.warning("font subsets of %s not merged", fonts[0].get("/BaseFont"), exc_info=True)
            continue
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


def _merge(pdf, fonts):
    """One program for all `fonts` (one face's subsets), and as few font dictionaries as their text allows.

    A glyph's ToUnicode entry is the text of the cluster the part first drew it in; in the
    contextual scripts (Arabic, Nastaliq) one glyph can stand for different text in different
    parts, and one map would then give some part the wrong text. The dictionaries are grouped
    so that no group disagrees on a glyph's text: one group for most faces, a few for those.
    Returns {folded dictionary: the dictionary of its group}.
    """
    groups = []  # (keeper, widths, texts, members)
    for font in fonts:
        texts = _to_unicode(font.ToUnicode.read_bytes())
        widths = _widths(font.DescendantFonts[0].get("/W", Array()))
        for _keeper, group_widths, group_texts, members in groups:
            if all(group_texts.get(cid, text) == text for cid, text in texts.items()):
                group_texts.update(texts)
                group_widths.update(widths)
                members.append(font)
                break
        else:
            groups.append((font, dict(widths), dict(texts), [font]))
    programs = [font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes() for font in fonts]
    drawn = [sorted(_widths(font.DescendantFonts[0].get("/W", Array())).keys()) for font in fonts]
    key = digest(*programs, *(",".join(map(str, gids)) for gids in drawn))
    program = MERGED.get(key)
    if program is None:
        program = _program_merge(programs, drawn)
        MERGED.put(key, program)
    program_stream = pdf.make_stream(program, Length1=len(program))
    bbox = None
    for font in fonts:
        other = [float(value) for value in font.DescendantFonts[0].FontDescriptor.FontBBox]
        bbox = other if bbox is None else [*map(min, bbox[:2], other[:2]), *map(max, bbox[2:], other[2:])]
    replacements = {}
    for keeper, widths, texts, members in groups:
        cid_font = keeper.DescendantFonts[0]
        descriptor = cid_font.FontDescriptor
        descriptor.FontFile2 = program_stream
        descriptor.FontBBox = Array([round(value) if value == int(value) else value for value in bbox])
        flags = int(descriptor.get("/Flags", 0))
        if flags & _FIXED_PITCH and len(set(widths.values())) > 1:
            descriptor.Flags = flags & ~_FIXED_PITCH
        if "/CIDSet" in descriptor:
            descriptor.CIDSet = pdf.make_stream(_cid_set(widths))
        cid_font.W = _widths_array(widths)
        keeper.ToUnicode = pdf.make_stream(_to_unicode_cmap(texts))
        replacements.update({font.objgen: keeper for font in members[1:]})
    return replacements


def _program_merge(programs, drawn):
    """One TrueType font holding every glyph any of the subsets draws, at its own glyph id.

    `drawn[i]` are the glyph ids the i-th subset's text draws (its widths). WeasyPrint keeps
    the face's glyph ids up to the last one a subset draws and numbers the parts of composite
    glyphs past it afresh, subset by subset: so the subset that draws the highest id is the
    base (read with fontTools, its own numbering left as it is), the others give it the glyphs
    it lacks below that id, a composite one decomposed into a simple glyph (its parts' ids mean
    nothing outside its subset). Only those glyphs are read, and the font is written without
    recomputing every glyph's box: the font-wide figures are the subsets' extremes.
    """
    fonts = [_RawFont(program) for program in programs]
    drawn = [sorted(gids) for gids in drawn]
    base_index = max(range(len(fonts)), key=lambda index: (max(drawn[index], default=-1), fonts[index].glyph_count))
    base = TTFont(io.BytesIO(fonts[base_index].data), recalcBBoxes=False, lazy=True)
    base_order = base.getGlyphOrder()
    base_glyphs, base_metrics = base["glyf"], base["hmtx"]
    for index, (font, gids) in enumerate(zip(fonts, drawn, strict=True)):
        if index == base_index:
            continue
        for gid in gids:
            name = base_order[gid]
            metrics = font.metrics(gid)
            if base_metrics[name] == (0, 0) and metrics != (0, 0):
                # A glyph with no outline (a space) still has its advance.
                base_metrics[name] = metrics
            data = font.glyph(gid)
            if len(data) < 2 or _contours(base_glyphs, name) != 0:
                continue
            composite = int.from_bytes(data[:2], "big", signed=True) < 0
            # A simple glyph is copied as it is, never decoded.
            base_glyphs.glyphs[name] = _decomposed(font, gid) if composite else Glyph(data)
            base_metrics[name] = metrics
    _extremes_keep(base, [TTFont(io.BytesIO(font.data), lazy=True) for font in fonts])
    buffer = io.BytesIO()
    base.save(buffer)
    return buffer.getvalue()


def _decomposed(font, gid):
    """A composite glyph of a subset as one simple glyph: its parts' outlines, placed."""
    if font.tt is None:
        font.tt = TTFont(io.BytesIO(font.data), lazy=True)
    glyf = font.tt["glyf"]
    coordinates, ends, flags = glyf[font.tt.getGlyphOrder()[gid]].getCoordinates(glyf)
    glyph = Glyph()
    glyph.numberOfContours = len(ends)
    glyph.coordinates = coordinates
    glyph.endPtsOfContours = list(ends)
    glyph.flags = bytearray(flag & flagOnCurve for flag in flags)
    glyph.program = Program()
    glyph.program.fromBytecode(b"")
    glyph.recalcBounds(glyf)
    return glyph


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
        self.tt = None  # fontTools' reading, made only for a composite glyph

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
