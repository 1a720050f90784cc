from .services import is_translator


def translation_workspace(request):
    """Whether to show the translation workspace in the navigation (signed-in translators only)."""
    user = getattr(request, "user", None)
    return {"show_translation_workspace": bool(user and user.is_authenticated and is_translator(user))}
