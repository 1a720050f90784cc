"""Where a PDF's bytes go: font programs, ToUnicode maps, content streams, structure tree...

    .venv/bin/python bench/pdf_weight.py FILE.pdf [FILE.pdf ...]

Every object is put in the category of the first part of the document that reaches it (the
pages' drawing and fonts first, then the structure tree, the bookmarks and the rest). A
stream counts the bytes it is stored with; the dictionaries and arrays kept in compressed
object streams count their share of those streams, in proportion to their written length.
What no object accounts for (cross-reference table, object headers) is "file overhead".
"""

import io
import sys
from collections import Counter
from pathlib import Path

import pikepdf
from figures import Column, Table
from pikepdf import Array, Dictionary, Name, Stream

FONT_PROGRAMS = "font programs"
TO_UNICODE = "ToUnicode maps"
FONT_DICTIONARIES = "font dictionaries, widths"
CONTENT = "page content streams"
FORMS = "forms (running layer)"
IMAGES = "images"
STRUCTURE = "structure tree"
LINKS = "links, annotations"
NAVIGATION = "bookmarks, destinations"
DOCUMENT = "pages, catalog, metadata"
OVERHEAD = "file overhead (xref, headers)"
CATEGORIES = [
    FONT_PROGRAMS,
    TO_UNICODE,
    FONT_DICTIONARIES,
    CONTENT,
    FORMS,
    IMAGES,
    STRUCTURE,
    LINKS,
    NAVIGATION,
    DOCUMENT,
    OVERHEAD,
]


class _Walk:
    def __init__(self, pdf):
        self.pdf = pdf
        self.category = {}  # objgen -> category
        self.pages = {page.objgen for page in pdf.pages}

    def claim(self, value, category):
        """Give `value` and everything it reaches that nobody claimed yet to `category` (pages stop the walk)."""
        stack = [(value, category)]
        while stack:
            item, category_here = stack.pop()
            if not isinstance(item, (Array, Dictionary, Stream)):
                continue
            if item.is_indirect:
                if item.objgen in self.category or item.objgen in self.pages:
                    continue
                category_here = self.category[item.objgen] = self._refine(item, category_here)
            children = list(item) if isinstance(item, Array) else list(item.values())
            stack += [(child, category_here) for child in children]
        return self

    def _refine(self, item, category):
        if isinstance(item, Stream):
            subtype = item.get("/Subtype")
            if subtype == Name.Image:
                return IMAGES
            if subtype == Name.Form:
                return FORMS
            if category == FONT_DICTIONARIES:
                return category
        if isinstance(item, Dictionary) and item.get("/Type") == Name.Font:
            return FONT_DICTIONARIES
        return category


def breakdown(data):
    """{category: bytes} of a PDF's bytes, adding up to its length."""
    pdf = pikepdf.open(io.BytesIO(data))
    walk = _Walk(pdf)
    # Font programs and ToUnicode maps first, so a font reached from anywhere is counted as a font.
    for obj in pdf.objects:
        if isinstance(obj, Dictionary) and obj.get("/Type") == Name.FontDescriptor:
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in obj:
                    walk.category[obj[key].objgen] = FONT_PROGRAMS
        if isinstance(obj, Dictionary) and "/ToUnicode" in obj and obj.ToUnicode.is_indirect:
            walk.category[obj.ToUnicode.objgen] = TO_UNICODE
    for page in pdf.pages:
        walk.category[page.objgen] = DOCUMENT
        for key, value in page.obj.items():
            if key == "/Contents":
                walk.claim(value, CONTENT)
            elif key == "/Resources":
                walk.claim(value, DOCUMENT)
            elif key == "/Annots":
                walk.claim(value, LINKS)
    root = pdf.Root
    if "/StructTreeRoot" in root:
        walk.claim(root.StructTreeRoot, STRUCTURE)
    for key in ("/Outlines", "/Names", "/Dests"):
        if key in root:
            walk.claim(root[key], NAVIGATION)
    walk.claim(root, DOCUMENT)
    walk.claim(pdf.trailer, DOCUMENT)

    sizes = Counter()
    loose = Counter()  # written length of dictionaries and arrays, by category
    for obj in pdf.objects:
        if not isinstance(obj, (Array, Dictionary, Stream)):
            continue
        category = walk.category.get(obj.objgen, DOCUMENT)
        if isinstance(obj, Stream):
            if obj.get("/Type") in (Name.ObjStm, Name.XRef):
                continue
            sizes[category] += len(obj.read_raw_bytes()) + len(obj.stream_dict.unparse())
        else:
            loose[category] += len(obj.unparse())
    stored = {obj.objgen for obj in pdf.objects if isinstance(obj, Stream) and obj.get("/Type") == Name.ObjStm}
    packed = sum(len(pdf.get_object(objgen).read_raw_bytes()) for objgen in stored)
    if packed:
        # In object streams: compressed together, so each category gets its share of what they weigh.
        total_loose = sum(loose.values()) or 1
        for category, length in loose.items():
            sizes[category] += round(packed * length / total_loose)
    else:
        sizes.update(loose)
    sizes[OVERHEAD] = max(0, len(data) - sum(sizes.values()))
    return {category: sizes.get(category, 0) for category in CATEGORIES}


def fonts_embedded(data):
    """(font program streams, distinct BaseFont names) of a PDF."""
    pdf = pikepdf.open(io.BytesIO(data))
    programs, names = set(), set()
    for obj in pdf.objects:
        if isinstance(obj, Dictionary) and obj.get("/Type") == Name.FontDescriptor:
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in obj:
                    programs.add(obj[key].objgen)
            names.add(str(obj.FontName))
    return len(programs), len(names)


def breakdown_print(columns, *, indent="  "):
    """A table of categories with bytes and share for each (title, PDF bytes) in `columns`."""
    figures = [(title, breakdown(data), len(data)) for title, data in columns]
    table = Table(
        Column(f"{indent}bytes by category", 32, "<"),
        *[column for title, _sizes, _total in figures for column in (Column(title, 10), Column("share", 6))],
        gap="  ",
    )
    table.header()
    for category in CATEGORIES:
        values = []
        for _title, sizes, total in figures:
            values += [f"{sizes[category]:,}", f"{sizes[category] / total:.0%}"]
        table.row(indent + category, *values)
    table.row(indent + "whole file", *[value for _t, _s, total in figures for value in (f"{total:,}", "100%")])


def main():
    breakdown_print([(Path(name).name[:10], Path(name).read_bytes()) for name in sys.argv[1:]])


if __name__ == "__main__":
    main()
