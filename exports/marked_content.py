"""A tagged PDF's pages with fewer marked-content sequences: the consecutive ones of one structure element merged.

WeasyPrint opens a marked-content sequence (BDC with its own MCID) for every text box it
draws: a paragraph of eight lines is eight sequences, eight MCIDs in its /K and eight
parent-tree entries. Where two sequences follow each other in the page's drawing, belong
to the same element and are adjacent in its /K, one sequence holds both: what a reader gets
is the same content in the same order, with one MCID instead of several. The MCIDs of the
page are then numbered again in drawing order, the elements' /K and the page's parent-tree
array follow.

What lies between two merged sequences becomes part of the merged one, so they merge only
when that is plain drawing: no other marked content (an artifact must not fall inside tagged
content), graphics states (q/Q) and text objects (BT/ET) balanced. An element with its own
ActualText, Alt, Lang or expansion keeps each of its sequences, and so does a sequence whose
property list says more than its MCID.

The pages it rewrites are written short by exports/content_streams.py.

Pure: a pikepdf document in, changed in place (exports/structure_tree.py calls it on every
tagged PDF the renderer writes, after the tree is slimmed).
"""

from itertools import pairwise

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator

from . import content_streams

# An element with any of these speaks for its content itself: its sequences stay apart.
OWN_SPEECH = {"/ActualText", "/Alt", "/Lang", "/E"}
MARKED_OPERATORS = {"BDC", "BMC", "EMC", "MP", "DP"}


def marked_content_merge(pdf, arrays):
    """Merge consecutive sequences of one element on every page; the number of MCIDs saved.

    `arrays` is {page objgen: that page's parent-tree array}, as exports/structure_tree.py reads it.
    """
    saved = 0
    for page in pdf.pages:
        array = arrays.get(page.obj.objgen)
        if array is None or "/Contents" not in page.obj:
            continue
        saved += _page_merge(pdf, page, array)
    return saved


def _mcid(instruction):
    """The MCID of a BDC whose property list is inline and holds nothing else, or None."""
    if str(instruction.operator) != "BDC" or len(instruction.operands) != 2:
        return None
    properties = instruction.operands[1]
    if not isinstance(properties, Dictionary) or set(properties.keys()) != {"/MCID"}:
        return None
    return int(properties.MCID)


def _any_mcid(instruction):
    if str(instruction.operator) not in {"BDC", "DP"} or len(instruction.operands) != 2:
        return False
    properties = instruction.operands[1]
    return not isinstance(properties, Dictionary) or "/MCID" in properties


def _plain_drawing(instructions):
    """Whether instructions can fall inside a marked-content sequence: no marked content, q/Q and BT/ET balanced."""
    states = text = 0
    for instruction in instructions:
        operator = str(instruction.operator)
        if operator in MARKED_OPERATORS:
            return False
        states += {"q": 1, "Q": -1}.get(operator, 0)
        text += {"BT": 1, "ET": -1}.get(operator, 0)
        if states < 0 or text < 0:
            return False
    return states == 0 and text == 0


def _sequences(instructions):
    """[(start, end) index of the BDC and its EMC] of every top-level sequence with a bare MCID, or None if unsure."""
    found, depth, start = [], 0, None
    for index, instruction in enumerate(instructions):
        operator = str(instruction.operator)
        if operator in {"BDC", "BMC"}:
            if depth == 0 and _mcid(instruction) is not None:
                start = index
            elif _any_mcid(instruction):
                # An MCID this pass cannot renumber (nested, or in a named property list): leave the page as it is.
                return None
            depth += 1
        elif operator == "EMC":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0 and start is not None:
                found.append((start, index))
                start = None
    return found if depth == 0 else None


def _kid_positions(element, page):
    """{MCID on `page`: its index in the element's /K}."""
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, Array) else [kids]
    own_page = element.get("/Pg")
    positions = {}
    for index, kid in enumerate(kids):
        if isinstance(kid, int) and own_page is not None and own_page.objgen == page.objgen:
            positions[int(kid)] = index
        elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR and kid.Pg.objgen == page.objgen:
            positions[int(kid.MCID)] = index
    return positions


def _page_merge(pdf, page, array):
    instructions = list(pikepdf.parse_content_stream(page))
    sequences = _sequences(instructions)
    if sequences is None:
        return 0
    owners = list(array)
    if sorted(_mcid(instructions[start]) for start, _end in sequences) != list(range(len(owners))):
        # MCIDs without content, or content without an entry: not a page this pass understands.
        return 0
    positions = {}

    def position(element, mcid):
        if element.objgen not in positions:
            positions[element.objgen] = _kid_positions(element, page)
        return positions[element.objgen].get(mcid)

    # Groups of sequences to merge: each group is drawn as one, under its first MCID.
    groups, previous = [], None
    for start, end in sequences:
        mcid = _mcid(instructions[start])
        owner = owners[mcid]
        if not isinstance(owner, Dictionary) or not owner.is_indirect:
            return 0
        if (
            previous is not None
            and previous[1].objgen == owner.objgen
            and not OWN_SPEECH & set(owner.keys())
            and position(owner, previous[0]) is not None
            and position(owner, mcid) == position(owner, previous[0]) + 1
            and _plain_drawing(instructions[groups[-1][-1][1] + 1 : start])
        ):
            groups[-1].append((start, end, mcid))
        else:
            groups.append([(start, end, mcid)])
        previous = (mcid, owner)
    renumbered = {}  # old MCID -> new MCID, or None where merged into the one before
    drop = set()
    for number, group in enumerate(groups):
        renumbered[group[0][2]] = number
        for (_start, end, _mcid_before), (start, _end, mcid) in pairwise(group):
            renumbered[mcid] = None
            drop.update((end, start))
    for number, group in enumerate(groups):
        start = group[0][0]
        instructions[start] = pikepdf.ContentStreamInstruction(
            [instructions[start].operands[0], Dictionary(MCID=number)], Operator("BDC")
        )
    kept = [instruction for index, instruction in enumerate(instructions) if index not in drop]
    _kids_renumber({owners[mcid].objgen: owners[mcid] for mcid, _new in renumbered.items()}, page, renumbered)
    array[:] = [owners[group[0][2]] for group in groups]
    page.obj.Contents = pikepdf.Stream(pdf, content_streams.content_written(kept))
    return len(sequences) - len(groups)


def _kids_renumber(elements, page, renumbered):
    """Each element's /K with its MCIDs on `page` renumbered and the merged ones left out."""
    for element in elements.values():
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, Array) else [kids]
        own_page = element.get("/Pg")
        content = []
        for kid in kids:
            if isinstance(kid, int) and own_page is not None and own_page.objgen == page.objgen:
                number = renumbered.get(int(kid), int(kid))
                if number is not None:
                    content.append(number)
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR and kid.Pg.objgen == page.objgen:
                number = renumbered.get(int(kid.MCID), int(kid.MCID))
                if number is not None:
                    kid.MCID = number
                    content.append(kid)
            else:
                content.append(kid)
        element.K = content[0] if len(content) == 1 and isinstance(content[0], int) else Array(content)
