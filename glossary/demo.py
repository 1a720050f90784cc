"""The demo's contested terms, with renderings in Arabic, Persian, Hindi and Spanish and one partner's own."""

import json
from pathlib import Path

from django.db import transaction

from .models import Rendering, Term

DEMO_FILE = Path(__file__).resolve().parent / "demo.json"


def _rendering(term, language, value, partner=None):
    Rendering.objects.get_or_create(
        term=term,
        language=language,
        partner=partner,
        defaults={key: value.get(key, "") for key in ("text", "variants", "avoid", "note")},
    )


@transaction.atomic
def glossary_demo_load(*, partners):
    """Add the demo terms that are missing; terms already there (perhaps edited since) are left as they are."""
    spec = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    for item in spec["terms"]:
        term, _created = Term.objects.get_or_create(
            language="en", key=item["text"].casefold(), defaults={"text": item["text"], "note": item["note"]}
        )
        for language, value in item["renderings"].items():
            _rendering(term, language, value)
        for slug, renderings in item.get("partners", {}).items():
            for language, value in renderings.items():
                _rendering(term, language, value, partners[slug])
    return Term.objects.count()
