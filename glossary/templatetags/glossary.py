import json

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


def _title(entry):
    if entry.rendering is None:
        return _("glossary term: no preferred rendering in this language yet")
    return _("preferred: %(rendering)s") % {"rendering": ", ".join(entry.rendering.forms)}


@register.filter
def glossary_marks(source, glossary):
    """The source text, escaped, with each glossary term in a <mark> whose title gives the preferred rendering."""
    if not glossary:
        return conditional_escape(source)
    parts, position = [], 0
    for occurrence in glossary.occurrences:
        entry = glossary.entry_for(occurrence.term_id)
        parts.append(conditional_escape(source[position : occurrence.start]))
        parts.append(
            format_html(
                '<mark class="glossary-term{}" data-term="{}" title="{}">{}</mark>',
                " glossary-term-warning" if entry.warns else "",
                occurrence.term_id,
                _title(entry),
                source[occurrence.start : occurrence.end],
            )
        )
        position = occurrence.end
    parts.append(conditional_escape(source[position:]))
    return format_html_join("", "{}", ((part,) for part in parts))  # every part is escaped or built escaped


@register.filter
def rendering_forms_json(entry):
    """The forms the progressive check looks for in the typed translation (an attribute value, escaped by the template)."""
    return json.dumps(entry.rendering.forms if entry.rendering else [], ensure_ascii=False)


@register.filter
def avoid_forms_json(entry):
    """The forms to avoid the progressive check looks for."""
    return json.dumps(entry.rendering.avoid_list if entry.rendering else [], ensure_ascii=False)
