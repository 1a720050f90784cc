"""Content shared by the tests of manuals in parts (tests/exports/test_parts.py, test_two_hosts.py)."""

import pytest
from django.db import transaction

from curriculum.publishing import module_publish
from exports import services
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


def handout_changed(handbook):
    """A change to the handbook's handout is published: the English manual's new job, not rendered yet."""
    block = handbook.modules.get(slug="session-1").blocks.get(key="handout")
    block.body_en = "- Speak clearly\n- Listen fully\n- Ask one question"
    block.save()
    with transaction.atomic():
        module_publish(module=block.module)
    return services.export_request(curriculum=handbook, language="en", enqueue=False)


@pytest.fixture(autouse=True)
def _join_caches_empty():
    """Each test joins with a worker's caches empty (exports/byte_cache.py): no test leans on another's results."""
    from exports import font_subsets, parts, stream_compression

    font_subsets.MERGED.clear()
    stream_compression.KEPT.clear()
    parts.LAID_OUT.clear()
