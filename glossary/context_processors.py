from django.utils.functional import SimpleLazyObject

from .services import can_read_glossary


def glossary_navigation(request):
    """Whether to show the glossary in the navigation; asked only when a page's template reads it."""
    user = getattr(request, "user", None)
    return {"show_glossary": SimpleLazyObject(lambda: bool(user and can_read_glossary(user)))}
