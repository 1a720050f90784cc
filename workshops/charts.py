"""Server-rendered SVG charts: the same markup on web pages and in PDFs, mirrored for right-to-left languages.

Positions are computed for each direction; the SVG states its own `direction` attribute (it
would otherwise inherit the page's; no style attribute, which the Content-Security-Policy blocks), and `_anchor` turns "this edge of the text at x" into the
text-anchor that means it in that direction (in right-to-left text, "start" is the right edge).
"""

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

FONT_STACK = "Noto Sans, Noto Naskh Arabic, Noto Nastaliq Urdu, Noto Sans Devanagari, Noto Sans Bengali, sans-serif"
BAR_COLOUR = "#7a1f5c"
BOX_COLOURS = ["#3d0f2e", "#7a1f5c", "#b05a8e"]


def _number(value):
    return number_format(value, force_grouping=True)


def _truncate(label, room):
    # About 7 px a character at 13 px; longer labels would run into the bars.
    limit = max(8, room // 7)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _anchor(edge, rtl):
    if edge == "middle":
        return "middle"
    return {("left", False): "start", ("right", False): "end", ("left", True): "end", ("right", True): "start"}[
        (edge, rtl)
    ]


def _svg(width, height, title, body, lang, rtl):
    direction = "rtl" if rtl else "ltr"
    return mark_safe(  # noqa: S308 - every text in body is escaped where it is written
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" lang="{escape(lang)}" dir="{direction}" '
        f'direction="{direction}" font-family="{FONT_STACK}" font-size="13" '
        f'class="chart"><title>{escape(title)}</title>{body}</svg>'
    )


def bar_chart(*, rows, title, rtl=False, lang="en", width=640, max_rows=30):
    """Horizontal bars, one per (label, value); bars grow from the reading start (right in RTL)."""
    rows = list(rows)[:max_rows]
    row_height, top, label_width, value_room = 24, 30, min(220, width // 3), 70
    height = top + row_height * max(len(rows), 1) + 10
    peak = max((value for _label, value in rows), default=0) or 1
    bar_room = width - label_width - value_room - 16
    parts = []
    title_x, title_anchor = (width - 4, _anchor("right", rtl)) if rtl else (4, _anchor("left", rtl))
    parts.append(f'<text x="{title_x}" y="18" text-anchor="{title_anchor}" font-weight="bold">{escape(title)}</text>')
    if not rows:
        parts.append(f'<text x="{title_x}" y="{top + 16}" text-anchor="{title_anchor}">{escape(_("No data"))}</text>')
    for index, (label, value) in enumerate(rows):
        y = top + index * row_height
        bar = max(1, round(bar_room * value / peak)) if value else 0
        text_y = y + row_height * 0.68
        label = _truncate(str(label), label_width)
        if rtl:
            label_x, label_anchor = width - 4, _anchor("right", rtl)
            bar_x = width - label_width - 8 - bar
            value_x, value_anchor = bar_x - 4, _anchor("right", rtl)
        else:
            label_x, label_anchor = label_width - 4, _anchor("right", rtl)
            bar_x = label_width + 4
            value_x, value_anchor = bar_x + bar + 4, _anchor("left", rtl)
        parts.append(
            f'<text x="{label_x}" y="{text_y:.1f}" text-anchor="{label_anchor}">{escape(label)}</text>'
            f'<rect x="{bar_x}" y="{y + 4}" width="{bar}" height="{row_height - 8}" fill="{BAR_COLOUR}" rx="2"/>'
            f'<text x="{value_x}" y="{text_y:.1f}" text-anchor="{value_anchor}" fill="#3a3340">'
            f"{escape(_number(value))}</text>"
        )
    return _svg(width, height, title, "".join(parts), lang, rtl)


def cascade_chart(*, levels, flows, title, rtl=False, lang="en", width=640):
    """Regional ToT → national ToT → workshops as three boxes, with the replications flowing between them."""
    height, box_width, box_height, top = 250, 180, 96, 34
    gap = (width - 3 * box_width) / 2
    columns = [index * (box_width + gap) for index in range(3)]
    if rtl:
        columns = [width - box_width - x for x in columns]
    position = {level.key: columns[index] for index, level in enumerate(levels)}
    parts = []
    title_x, title_anchor = (width - 4, _anchor("right", rtl)) if rtl else (4, _anchor("left", rtl))
    parts.append(f'<text x="{title_x}" y="18" text-anchor="{title_anchor}" font-weight="bold">{escape(title)}</text>')
    parts.append(
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5d5566"/></marker></defs>'
    )
    for index, level in enumerate(levels):
        x = position[level.key]
        centre = x + box_width / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{top}" width="{box_width}" height="{box_height}" rx="6" '
            f'fill="{BOX_COLOURS[index % 3]}"/>'
            f'<text x="{centre:.1f}" y="{top + 22}" text-anchor="middle" fill="#fff" font-size="12">'
            f"{escape(level.label)}</text>"
            f'<text x="{centre:.1f}" y="{top + 52}" text-anchor="middle" fill="#fff" font-size="22" '
            f'font-weight="bold">{escape(_number(level.workshops))}</text>'
            f'<text x="{centre:.1f}" y="{top + 78}" text-anchor="middle" fill="#fff" font-size="12">'
            f"{escape(_('%(count)s participants') % {'count': _number(level.participants)})}</text>"
        )
    for row, (source, target, replications, _participants) in enumerate(flows):
        if source not in position or target not in position:
            continue
        # Every flow runs below the boxes on a lane of its own, so labels never overlap the boxes.
        x1 = position[source] + box_width / 2
        x2 = position[target] + box_width / 2
        y = top + box_height + 24 + row * 30
        parts.append(
            f'<path d="M{x1:.1f},{top + box_height} V{y:.1f} H{x2:.1f} V{top + box_height + 3}" fill="none" '
            f'stroke="#5d5566" stroke-width="1.5" marker-end="url(#arrow)"/>'
        )
        label = _("%(count)s replications") % {"count": _number(replications)}
        parts.append(
            f'<text x="{(x1 + x2) / 2:.1f}" y="{y - 5:.1f}" text-anchor="middle" font-size="11" fill="#3a3340">'
            f"{escape(label)}</text>"
        )
    return _svg(width, height, title, "".join(parts), lang, rtl)


def bar_list(*, rows, title, max_rows=30):
    """The bar chart as HTML for PDFs: labels are laid out as text, bars as logical-width boxes.

    WeasyPrint's SVG renderer shapes Arabic letters but does not reorder right-to-left
    words in SVG <text> (measured: a module title came out with its words backwards),
    while its HTML layout handles bidi; logical inline sizes mirror the bars in RTL.
    """
    rows = list(rows)[:max_rows]
    peak = max((value for _label, value in rows), default=0) or 1
    items = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td class="bar-cell">'
        f'<span class="bar" style="inline-size: {max(0.5, 80 * value / peak) if value else 0:.1f}%"></span>'
        f'<span class="bar-value">{escape(_number(value))}</span></td></tr>'
        for label, value in rows
    )
    if not rows:
        items = f"<tr><td>{escape(_('No data'))}</td></tr>"
    return mark_safe(  # noqa: S308 - labels and values are escaped above
        f'<figure class="bar-list"><figcaption>{escape(title)}</figcaption><table>{items}</table></figure>'
    )
