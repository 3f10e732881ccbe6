"""A short run of the fault injection in benchmarks/faults.py on the database under test: kills
during import, concurrent edits and hostile files lose nothing. The full run (50 kills) is in .ci/run."""

from __future__ import annotations

from benchmarks.faults import concurrent_edits, hostile_file_set, kill_during_import, register_problems


def test_import_killed_at_random_moments_leaves_nothing_half_done(fresh_db_url, tmp_path):
    outcome = kill_during_import(fresh_db_url, tmp_path, kills=4, documents=8, seed=3)
    assert outcome.tried == 4
    assert outcome.lost == 0, outcome.details
    assert register_problems(fresh_db_url) == []


def test_two_editors_at_once_never_overwrite_each_other(fresh_db_url):
    outcome = concurrent_edits(fresh_db_url, rounds=5)
    assert (outcome.tried, outcome.lost) == (5, 0), outcome.details


def test_hostile_files_are_refused_and_the_reader_keeps_working():
    outcome = hostile_file_set()
    assert outcome.tried == 8 and outcome.lost == 0, outcome.details
