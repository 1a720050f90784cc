"""The job's state changes: each is one conditional update, and of two workers racing for a step one wins."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exports.models import MAX_ATTEMPTS, ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def job():
    return ExportJob.objects.create(fingerprint="f" * 64, language="en")


def _rows(job):
    return ExportJob.objects.filter(pk=job.pk)


def test_a_queued_job_is_claimed_once_and_a_second_claim_loses(job):
    assert _rows(job).claim() == 1
    assert _rows(job).claim() == 0
    job.refresh_from_db()
    assert (job.status, job.stage, job.attempts) == (ExportJob.Status.RUNNING, ExportJob.Stage.RESOLVING, 1)
    assert job.started_at and job.touched_at


def test_progress_moves_the_stage_and_shows_the_worker_alive(job):
    _rows(job).claim()
    _rows(job).progress(ExportJob.Stage.LAYOUT, 15)
    job.refresh_from_db()
    assert (job.stage, job.progress) == (ExportJob.Stage.LAYOUT, 15)


def test_parts_landing_move_the_progress_from_ten_to_eighty_five(job):
    _rows(job).claim()
    _rows(job).parts_record(["a", "b"])
    job.refresh_from_db()
    assert (job.parts, job.stage, job.progress) == (["a", "b"], ExportJob.Stage.PARTS, 10)
    _rows(job).part_stored(done=1, total=2)
    assert _rows(job).get().progress == 47
    _rows(job).part_stored(done=2, total=2)
    assert _rows(job).get().progress == 85


def test_workers_claim_the_parts_to_lay_out_one_each_in_order_until_none_is_left(job):
    _rows(job).claim()
    _rows(job).parts_record(["a", "b", "c"], pending=["a", "c"])
    progress = []
    for _ask in range(4):
        progress.append((_rows(job).part_claim(stored_before=1, total=3), _rows(job).get().progress))
    # Progress by the parts given out before (one was kept from an earlier render): 10 + 75 * 1/3, 2/3, 3/3 at most.
    assert progress == [(("a", 1), 35), (("c", 0), 60), ((None, 0), 85), ((None, 0), 85)]
    # A render that begins again (a worker lost) claims its parts from the first again.
    _rows(job).parts_record(["a", "b", "c"], pending=["b"])
    assert _rows(job).part_claim() == ("b", 0)


def test_a_job_that_failed_or_is_joining_gives_no_part_to_lay_out(job):
    _rows(job).claim()
    _rows(job).parts_record(["a", "b"])
    _rows(job).fail("broken")
    assert _rows(job).part_claim() == (None, 0)
    other = ExportJob.objects.create(curriculum=job.curriculum, language="en")
    _rows(other).claim()
    _rows(other).parts_record(["a", "b"])
    _rows(other).assembling()
    assert _rows(other).part_claim() == (None, 0)


def test_of_two_workers_that_store_the_last_part_only_one_joins_the_manual(job):
    _rows(job).claim()
    _rows(job).parts_record(["a"])
    assert _rows(job).assembling() == 1
    assert _rows(job).assembling() == 0
    assert _rows(job).get().stage == ExportJob.Stage.ASSEMBLING


def test_a_failed_job_is_not_joined(job):
    _rows(job).claim()
    _rows(job).parts_record(["a"])
    _rows(job).fail("broken")
    assert _rows(job).assembling() == 0


def test_done_stores_the_outcome_and_times_the_render_from_the_claim(job):
    _rows(job).claim()
    started = _rows(job).get().started_at
    _rows(job).done(name="exports/x.pdf", file_size=10, page_count=2, report={"a": 1}, started_at=started)
    job.refresh_from_db()
    assert (job.status, job.stage, job.progress, job.file.name) == ("done", "stored", 100, "exports/x.pdf")
    assert job.render_seconds >= 0 and job.finished_at and job.error == ""


def test_a_finished_file_is_never_failed_afterwards(job):
    _rows(job).claim()
    _rows(job).done(name="exports/x.pdf", file_size=10, page_count=2, report={}, started_at=timezone.now())
    assert _rows(job).fail("too late") == 0
    assert _rows(job).get().status == ExportJob.Status.DONE


def test_done_after_the_sweeper_failed_a_slow_render_still_stores_its_file(job):
    # As before the refactor: a render that finishes after being given up on is kept, not thrown away.
    _rows(job).claim()
    _rows(job).fail("stopped")
    assert _rows(job).done(name="exports/x.pdf", file_size=1, page_count=1, report={}, started_at=timezone.now())
    assert _rows(job).get().status == ExportJob.Status.DONE


def test_a_lost_worker_requeues_the_job_while_it_has_attempts_left(job):
    _rows(job).claim()
    assert _rows(job).lost() == 1
    job.refresh_from_db()
    assert (job.status, job.stage, job.enqueued_at) == (ExportJob.Status.QUEUED, ExportJob.Stage.WAITING, None)
    _rows(job).update(status=ExportJob.Status.RUNNING, attempts=MAX_ATTEMPTS)
    assert _rows(job).lost() == 0


def test_requeue_only_moves_a_job_still_in_the_status_it_was_seen_in(job):
    _rows(job).update(status=ExportJob.Status.FAILED, error="x")
    assert _rows(job).requeue(status=ExportJob.Status.DONE) == 0
    assert _rows(job).requeue(status=ExportJob.Status.FAILED) == 1
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportJob.Status.QUEUED, "")


def test_the_queue_marks_only_queued_jobs(job):
    assert _rows(job).queue_down() == 1
    assert _rows(job).get().stage == ExportJob.Stage.QUEUE_DOWN
    assert _rows(job).enqueued() == 1
    assert _rows(job).get().enqueued_at > timezone.now() - timedelta(seconds=5)
    _rows(job).claim()
    assert _rows(job).queue_down() == 0 and _rows(job).enqueued() == 0


def test_asking_again_counts_the_request(job):
    _rows(job).asked_again()
    assert _rows(job).get().requested_count == 2


@pytest.mark.django_db(transaction=True)
def test_workers_claiming_at_the_same_moment_never_get_the_same_part():
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("four connections writing at once: PostgreSQL (CI); SQLite's in-memory test database locks instead")
    job = ExportJob.objects.create(fingerprint="c" * 64, language="en")
    pending = [f"part-{number}" for number in range(60)]
    _rows(job).claim()
    _rows(job).parts_record(pending)
    start = Barrier(4)

    def worker():
        # Each thread is a worker with its own connection, all asking at once and as fast as they can.
        start.wait()
        claimed = []
        try:
            while (fingerprint := _rows(job).part_claim(total=60)[0]) is not None:
                claimed.append(fingerprint)
        finally:
            connections.close_all()
        return claimed

    with ThreadPoolExecutor(4) as pool:
        shares = list(pool.map(lambda _worker: worker(), range(4)))
    given = [fingerprint for share in shares for fingerprint in share]
    assert sorted(given) == sorted(pending) and len(given) == len(set(given))
    assert sum(1 for share in shares if share) > 1  # they did claim at the same time
    assert _rows(job).get().progress == 85
