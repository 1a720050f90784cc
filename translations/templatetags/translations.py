from django import template

register = template.Library()


@register.filter
def cell(mapping, key):
    """mapping[key] in a template (progress cells by language)."""
    return mapping.get(key)
