"""A manual printed in parts: every module laid out on its own, then joined into one tagged PDF.

WeasyPrint lays a document out in one process, and its time grows faster than the page count.
A manual is therefore laid out module by module (in parallel on the workers, and only the
modules whose print HTML changed since the last render), then joined here:

- a part holds one module and no running headers or footers, so it depends on nothing but its
  module: an edit elsewhere, the edition code and the printing date leave it untouched;
- the front matter (cover and contents) is laid out once the parts are, so the contents can
  print the page each module starts on;
- a running layer, empty pages whose margins carry the module's title, the edition line and
  the page number, is stamped over every page as a pagination artifact (PDF/UA: not content);
- the pieces' structure trees, named destinations and bookmarks are merged, so the joined file
  stays a tagged PDF whose contents entries and bookmarks lead to the right pages.
- each part embeds its own subsets of the faces it uses: they are merged into one font per
  face (exports/font_subsets.py), so the joined file weighs about what one whole layout does;
- each part comes with its structure tree already slimmed (exports/structure_tree.py, where
  the renderer writes it), so the join grafts about half the elements WeasyPrint wrote.

Pure: no database, no storage; exports/parts.py decides what to render and stores results.
"""

import io
from dataclasses import replace

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator, OutlineItem, Page

from . import content_streams, font_subsets, rendering, stream_compression

# zlib's best for every stream pikepdf compresses as it saves, the object streams above all (where the structure
# tree is): 0.4 KB off the demo manual. The other streams are compressed harder (exports/stream_compression.py).
FLATE_LEVEL = 9
pikepdf.settings.set_flate_compression_level(FLATE_LEVEL)


def part_html(edition, module, spec=None):
    """The print HTML of one module as a part of its manual: no cover, no margins, nothing edition-wide."""
    return rendering.edition_html(replace(edition, modules=[module]), spec, document="part")


def front_render(edition, spec=None, *, part_pages, generated_at=None, front_pages=None, render=None):
    """Lay out the cover and contents, with each module's first page counted from the parts' lengths.

    Returns the render and the first page of every module. The contents' own length moves
    every module: `front_pages` is the length expected (the last render's, when the caller
    knows it; else front_pages_guess), and a layout of another length is laid out again with
    the length it had, without being written. `render(html, pages_expected)` lays the front
    matter out (exports/parts.py passes one that keeps it, as it keeps parts); by default
    rendering.html_to_pdf.
    """
    render = render or _front_laid_out
    front_pages = front_pages or front_pages_guess(len(part_pages), spec.profile if spec else "a4")
    for _attempt in range(4):
        starts = module_starts(front_pages, part_pages)
        html = rendering.edition_html(edition, spec, document="front", generated_at=generated_at, toc_pages=starts)
        result = render(html, pages_expected=front_pages, title=edition.title)
        if result.pdf is not None:
            return result, starts
        front_pages = result.page_count
    raise RuntimeError("the front matter's length does not settle")


def _front_laid_out(html, *, pages_expected, title):
    return rendering.html_to_pdf(html, title=title, piece=True, pages_expected=pages_expected)


# Contents entries on the contents' first page (under its title) and on each page after, by paper:
# measured with the demo's module titles (bench/part_profile.py's long manual), a little short of full.
CONTENTS_ENTRIES = {"a4": (30, 34), "letter": (30, 34), "a5": (13, 15)}


def front_pages_guess(modules, profile):
    """The cover and as many contents pages as `modules` entries likely take."""
    first, after = CONTENTS_ENTRIES.get(profile, CONTENTS_ENTRIES["a4"])
    return 2 + max(0, -(-(modules - first) // after))


def module_starts(front_pages, part_pages):
    """The first page of each part when they follow the front matter in order."""
    starts, page = [], front_pages + 1
    for count in part_pages:
        starts.append(page)
        page += count
    return starts


def running_render(edition, spec=None, *, front_pages, modules_pages, generated_at=None):
    """Lay out the running layer and say, for each page of the manual, which pieces of it go there.

    `modules_pages` pairs each module with its part's page count. Returns the layer (an
    untagged PDF: it is stamped as an artifact) and the page plan, a list of
    (header index or None, number index or None) per page, indexes into the layer's headers
    and numbers. The cover has no header and no number; the contents have numbers only.
    """
    modules = [module for module, _count in modules_pages]
    plan = [(None, None)] + [(None, index) for index in range(front_pages - 1)]
    for header, (_module, count) in enumerate(modules_pages):
        plan += [(header, len(plan) - 1 + offset) for offset in range(count)]
    html = rendering.running_html(
        edition, spec, modules=modules, numbers=range(2, len(plan) + 1), generated_at=generated_at
    )
    return rendering.html_to_pdf(html, pdf_variant=None), plan


def assemble(*, front, parts, running, plan):
    """Join the front matter and the parts (PDF bytes, in order) and stamp the running layer by its plan."""
    manual = pikepdf.open(io.BytesIO(front))
    root = manual.Root
    tree = root.get("/StructTreeRoot")
    document_element = tree.K[0] if tree is not None else None
    parent_tree = _parent_tree_numbers(tree)
    next_key = max(parent_tree, default=-1) + 1
    destinations = _named_destinations(manual, manual)
    outline = _outline_items(manual, manual)
    for data in parts:
        part = pikepdf.open(io.BytesIO(data))
        first_new = len(manual.pages)
        manual.pages.extend(part.pages)
        if document_element is not None and "/StructTreeRoot" in part.Root:
            next_key = _structure_merge(manual, part, document_element, parent_tree, first_new, next_key)
        # A part names its module's anchor; that wins over the front matter's stand-in (see manual.html).
        destinations.update(_named_destinations(manual, part))
        outline += _outline_items(manual, part)
    _running_stamp(manual, pikepdf.open(io.BytesIO(running)), plan)
    if tree is not None:
        tree.ParentTree = Dictionary(
            Nums=Array([item for key in sorted(parent_tree) for item in (key, parent_tree[key])])
        )
        tree.ParentTreeNextKey = next_key
    root.Names = Dictionary(
        Dests=Dictionary(Names=Array([item for name in sorted(destinations) for item in (name, destinations[name])]))
    )
    with manual.open_outline() as tree_of_bookmarks:
        tree_of_bookmarks.root[:] = outline
    font_subsets.fonts_merge(manual)
    return stream_compression.pdf_saved_smallest(manual)


def _parent_tree_numbers(tree):
    """The structure parent tree as {key: value} (WeasyPrint writes a flat /Nums array)."""
    if tree is None or "/ParentTree" not in tree:
        return {}
    numbers = tree.ParentTree.get("/Nums", Array())
    return {int(numbers[index]): numbers[index + 1] for index in range(0, len(numbers), 2)}


def _structure_merge(manual, part, document_element, parent_tree, first_new, next_key):
    """Graft the part's structure under the manual's Document element, its parent keys moved past the manual's."""
    part_tree = part.Root.StructTreeRoot
    part_keys = _parent_tree_numbers(part_tree)
    # The elements' parent (the part's own Document) is left behind: cut it before copying.
    kids = list(part_tree.K[0].K) if isinstance(part_tree.K, Array) else list(part_tree.K.K)
    for kid in kids:
        if isinstance(kid, Dictionary) and "/P" in kid:
            del kid["/P"]
    for key, value in part_keys.items():
        parent_tree[key + next_key] = _copy(manual, part, value)
    for kid in kids:
        copied = _copy(manual, part, kid)
        if isinstance(copied, Dictionary):
            copied.P = document_element
        document_element.K.append(copied)
    for page in manual.pages[first_new:]:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + next_key
        for annotation in page.obj.get("/Annots", Array()):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + next_key
    return next_key + max(part_keys, default=-1) + 1


def _named_destinations(manual, source):
    names = source.Root.get("/Names", Dictionary()).get("/Dests", Dictionary()).get("/Names", Array())
    return {str(names[index]): _copy(manual, source, names[index + 1]) for index in range(0, len(names), 2)}


def _outline_items(manual, source):
    """The source's bookmarks, rebuilt for the manual (their destinations point at the copied pages)."""

    def rebuild(item):
        destination = item.destination
        if isinstance(destination, Array):
            destination = _copy(manual, source, destination)
        rebuilt = OutlineItem(item.title, destination=destination)
        rebuilt.children[:] = [rebuild(child) for child in item.children]
        return rebuilt

    with source.open_outline() as outline:
        return [rebuild(item) for item in outline.root]


def _copy(manual, source, value):
    """A value of the source PDF as an object of the manual; page references land on the copied pages."""
    if source is manual or not isinstance(value, (Array, Dictionary)):
        return value
    if not value.is_indirect:
        value = source.make_indirect(value)
    return manual.copy_foreign(value)


def _running_stamp(manual, running, plan):
    """Stamp the running layer's pieces on each page of the manual, marked as a pagination artifact.

    The layer's first page is the edition line; its second holds every module's header and
    its third every page number, each drawn one after the other and cut out on its own.
    """
    edition_line = manual.copy_foreign(Page(running.pages[0]).as_form_xobject())
    headers = _forms(manual, running, running.pages[1], _drawings_cut(running.pages[1]))
    # A page number is drawn on one page only: inline in its content, it costs no object of its own.
    numbers, number_resources = _inline(manual, running, running.pages[2], _drawings_cut(running.pages[2]))
    if len(plan) != len(manual.pages) or len(numbers) != len(plan) - 1:
        raise ValueError(
            f"running layer for {len(plan)} pages and {len(numbers)} numbers, manual of {len(manual.pages)}"
        )
    for page, (header, number) in zip(manual.pages, plan, strict=True):
        pieces = {EDITION_LINE_NAME: edition_line}
        if header is not None:
            pieces[f"{HEADER_PREFIX}{header}"] = headers[header]
        # Short names of their own, the same on every page: the pages of a part share one resources
        # dictionary, where each name is written once (pikepdf's own names are random and 30 bytes long).
        _resources_add(page, {"/XObject": pieces})
        drawing = b" ".join(b"q " + name.encode() + b" Do Q" for name in pieces)
        if number is not None:
            _resources_add(page, number_resources)
            drawing += b" " + numbers[number]
        # The page's own drawing is closed in q/Q so its graphics state cannot shift the margins.
        # One stream per page: a small stream costs more in its dictionary than in its bytes.
        _contents_replace(
            manual,
            page,
            b"q\n" + _contents(page) + b"\nQ\n/Artifact <</Type /Pagination>> BDC " + drawing + b" EMC\n",
        )


def _contents(page):
    """The page's drawing as one decoded content stream (its streams joined as the format says: by a space)."""
    contents = page.obj.get("/Contents")
    streams = [contents] if isinstance(contents, pikepdf.Stream) else list(contents or [])
    return b"\n".join(stream.read_bytes() for stream in streams)


def _contents_replace(manual, page, data):
    # Written plain: exports/stream_compression.py compresses every stream of the manual at once, on two threads.
    page.obj.Contents = pikepdf.Stream(manual, data)


MARKED_CONTENT = {"BDC", "BMC"}


def _drawings_cut(page):
    """Each text object (BT … ET) of a page, with the graphics state in force where it is drawn, in q/Q.

    Marked content around a text object (the /ActualText spans of Indic lines) goes with it.
    """
    drawings, states, marked, text = [], [[]], [], None
    for instruction in pikepdf.parse_content_stream(page):
        operator = str(instruction.operator)
        if text is not None:
            text.append(instruction)
            if operator == "ET":
                drawings.append([state for level in states for state in level] + marked + text)
                text = None
        elif operator == "BT":
            text = [instruction]
        elif operator in MARKED_CONTENT:
            marked.append(instruction)
        elif operator == "EMC":
            if marked:
                marked.pop()
                if drawings:
                    drawings[-1].append(instruction)
        elif operator == "q":
            states.append([])
        elif operator == "Q":
            states.pop()
        else:
            states[-1].append(instruction)
    save, restore = (
        pikepdf.ContentStreamInstruction([], Operator("q")),
        pikepdf.ContentStreamInstruction([], Operator("Q")),
    )
    return [[save, *drawing, restore] for drawing in drawings]


def _forms(manual, running, page, drawings):
    """The drawings as forms of the manual, with the running page's resources."""
    resources = _copy(manual, running, page.obj.Resources)
    box = _copy(manual, running, page.obj.MediaBox)
    return [
        manual.make_stream(
            content_streams.content_written(drawing),
            Type=Name.XObject,
            Subtype=Name.Form,
            BBox=box,
            Resources=resources,
        )
        for drawing in drawings
    ]


# The operators that name a resource, and the kind of resource they name.
RESOURCE_OPERATORS = {
    "Tf": "/Font",
    "gs": "/ExtGState",
    "Do": "/XObject",
    "sh": "/Shading",
    "cs": "/ColorSpace",
    "CS": "/ColorSpace",
    "scn": "/Pattern",
    "SCN": "/Pattern",
    "BDC": "/Properties",
    "DP": "/Properties",
}
# The running layer's names in the pages' resources: short, and no name a renderer writes begins with them
# (WeasyPrint names fonts with six capitals, the rest in lower case); _resources_add refuses a clash.
INLINE_PREFIX = "/Rn"
EDITION_LINE_NAME = "/RunE"
HEADER_PREFIX = "/RunH"


def _inline(manual, running, page, drawings):
    """The drawings as content to write into a page, and the resources they name there.

    Their resources are renamed with a prefix of their own, so they cannot take the place of
    the page's (a part's font and the running layer's are different subsets of one face).
    """
    own = _copy(manual, running, page.obj.Resources)
    resources = {}

    def renamed(kind, operand):
        if kind is None or not isinstance(operand, Name) or str(operand) not in own.get(kind, Dictionary()):
            return operand
        name = INLINE_PREFIX + str(operand)[1:]
        resources.setdefault(kind, {})[name] = own[kind][str(operand)]
        return Name(name)

    inline = []
    for drawing in drawings:
        instructions = []
        for instruction in drawing:
            kind = RESOURCE_OPERATORS.get(str(instruction.operator))
            operands = [renamed(kind, operand) for operand in instruction.operands]
            instructions.append(pikepdf.ContentStreamInstruction(operands, instruction.operator))
        inline.append(content_streams.content_written(instructions))
    return inline, resources


def _resources_add(page, resources):
    """Name each resource in the page's resources (shared with the other pages of its part, often)."""
    if "/Resources" not in page.obj:
        page.obj.Resources = Dictionary()
    for kind, named in resources.items():
        if kind not in page.obj.Resources:
            page.obj.Resources[kind] = Dictionary()
        dictionary = page.obj.Resources[kind]
        for name, value in named.items():
            if name in dictionary:
                if not _same(dictionary[name], value):
                    raise ValueError(f"the page's resources already name {name} otherwise")
                continue
            dictionary[name] = value


def _same(one, other):
    if one.is_indirect and other.is_indirect:
        return one.objgen == other.objgen
    return one == other
