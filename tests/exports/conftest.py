"""Content shared by the tests of manuals in parts (tests/exports/test_parts.py, test_two_hosts.py)."""

import pytest

from curriculum.publishing import module_publish
from tests.factories import BlockFactory, CurriculumFactory, ModuleFactory


@pytest.fixture
def six_modules():
    """A manual of six modules in English and Arabic, long enough for some modules to take two pages."""
    curriculum = CurriculumFactory(slug="six", title_en="Six Sessions", title_ar="ست جلسات", is_published=True)
    for number in range(6):
        module = ModuleFactory(
            curriculum=curriculum,
            slug=f"session-{number}",
            position=number,
            title_en=f"Session {number}: Speaking up",
            title_ar=f"الجلسة {number}: رفع الصوت",
        )
        for key in range(2 + number % 3):
            BlockFactory(
                module=module,
                key=f"b{key}",
                position=key,
                title_en=f"Step {key}",
                body_en=f"Module {number} step {key}. " + "Women lead when they speak and listen together. " * 30,
                body_ar=f"الوحدة {number} الخطوة {key}. " + "تقود النساء حين يتكلمن ويصغين معاً. " * 30,
            )
        module_publish(module=module)
    return curriculum
