"""Migrations: one line of history per app, and upgrades from a database that applied the old merge migration."""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


def test_every_app_has_one_leaf_migration():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    leaves = {}
    for app, name in graph.leaf_nodes():
        leaves.setdefault(app, []).append(name)
    assert {app: names for app, names in leaves.items() if len(names) > 1} == {}


@pytest.mark.django_db
def test_a_database_that_applied_the_removed_merge_migration_upgrades_cleanly():
    # Sites migrated before the empty merge migration was removed have its row recorded.
    MigrationRecorder(connection).record_applied("exports", "0005_merge_print_kinds_and_review")
    loader = MigrationLoader(connection)
    loader.check_consistent_history(connection)
    assert ("exports", "0005_merge_print_kinds_and_review") not in loader.graph.nodes
    assert ("exports", "0006_document_kinds") in loader.applied_migrations
