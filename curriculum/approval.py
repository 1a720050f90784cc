"""Approved translations only: which translations an edition may show when it asks for reviewed ones.

The translations app knows who approved what (translations/review.py); the content domain
depends on no other app, so it registers a function here instead of being imported.
"""

from .translated import language_chain

# fn(curriculum=, languages=) -> an object with allows(kind, ref, field, language, text), kind being
# "curriculum" (ref: its slug), "module" (its slug) or "block" ("<module slug>/<block key>").
# Without one, nothing but the source language counts as approved.
APPROVALS = []


class NothingApproved:
    def allows(self, kind, ref, field_name, language, text):
        return False


def edition_approvals(*, curriculum, language):
    """Which translations on the language's chain a reviewer approved (a constant number of queries)."""
    languages = [code for code in language_chain(language) if code != curriculum.source_language]
    for approvals_of in APPROVALS:
        return approvals_of(curriculum=curriculum, languages=languages)
    return NothingApproved()


def approved_translations(translations, approvals, kind, ref, field_name, source_language, stale=()):
    """The translations of one field a reviewer approved, with the source text.

    A translation whose source changed since (stale) is not approved any more:
    its reviewer approved it as the translation of another text.
    """
    return {
        code: text
        for code, text in translations.items()
        if code == source_language or (code not in stale and approvals.allows(kind, ref, field_name, code, text))
    }


def first_left_out(translations, kept, language):
    """The first language on the chain whose translation was left out, or ""."""
    return next((code for code in language_chain(language) if translations.get(code) and code not in kept), "")
