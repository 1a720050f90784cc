"""Shared start of the benchmarks: a throw-away SQLite database and media directory with the demo content."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def demo_setup(prefix, database_url=None):
    """Point Django at a fresh work directory, migrate, load the demo; returns (work dir, demo curriculum).

    `database_url` replaces the work directory's SQLite file (the load test may run on PostgreSQL);
    the environment is left set, so processes the benchmark starts use the same database and media.
    """
    sys.path.insert(0, str(ROOT))
    work = tempfile.mkdtemp(prefix=prefix)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{work}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{work}/media"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    from curriculum.demo import demo_load
    from curriculum.models import Curriculum

    call_command("migrate", verbosity=0)
    demo_load()
    return work, Curriculum.objects.get(slug="leading-to-choices")


def long_manual(curriculum, copies):
    """The demo's modules `copies` times over, as a curriculum of its own (about 35 pages a copy)."""
    import copy

    from curriculum.exchange import curriculum_export, curriculum_import
    from curriculum.models import Curriculum

    data = curriculum_export(curriculum=curriculum)
    modules = []
    for copy_number in range(copies):
        for module in data["modules"]:
            repeated = copy.deepcopy(module)
            repeated["slug"] = f"{module['slug']}-{copy_number}"
            modules.append(repeated)
    curriculum_import(data={**data, "slug": "long-manual", "modules": modules, "editions": []})
    return Curriculum.objects.get(slug="long-manual")
