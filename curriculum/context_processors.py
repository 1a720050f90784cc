from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from .translated import language_direction


def language_switcher(request):
    """Links to the current page in every configured language, and the page's direction."""
    current = get_language()
    links = [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(request.get_full_path(), code),
            "current": code == current,
        }
        for code in settings.LANGUAGE_CODES
    ]
    return {
        "language_links": links,
        "page_direction": language_direction(current),
    }
