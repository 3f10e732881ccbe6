"""Signed checkpoints: a shortened or rewritten audit trail is caught, on both databases.

Each tamper below is done as the database owner would (triggers out of the way) and leaves a
chain that is valid on its own; only the checkpoints outside the database can tell.
"""

from __future__ import annotations

import json

from benchmarks.attacks import as_owner, rechain


def _checkpoint_file(tmp_path):
    return tmp_path / "instance" / "audit-kontrollpunkter.jsonl"


def test_a_commit_writes_a_signed_checkpoint_and_verify_holds_the_trail_against_it(run, tmp_path):
    assert run("init", "--demo").exit_code == 0
    lines = _checkpoint_file(tmp_path).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1  # written after the commit, since none was there
    record = json.loads(lines[0])
    assert record["slag"] == "kontrollpunkt" and record["rader"] > 0 and len(record["signatur"]) == 64
    assert (tmp_path / "instance" / "audit.key").stat().st_mode & 0o077 == 0  # the key is its owner's only
    verified = run("audit", "verify")
    assert verified.exit_code == 0
    assert "stämmer med 1 signerade kontrollpunkter" in verified.stdout


def test_a_shortened_trail_is_caught(run, tmp_path):
    run("init", "--demo")
    checkpoint = run("audit", "checkpoint")
    assert checkpoint.exit_code == 0 and "Kontrollpunkt skriven" in checkpoint.stdout
    rows = json.loads(checkpoint.stdout.splitlines()[-1])["rader"]
    as_owner(run.url, ["DELETE FROM audit_events WHERE id > (SELECT MAX(id) - 3 FROM audit_events)"])
    broken = run("audit", "verify")
    assert broken.exit_code == 3
    assert f"loggen har kortats: kontrollpunkten från {json.loads(checkpoint.stdout.splitlines()[-1])['tid']}" in (
        broken.stderr
    )
    assert f"räknade {rows} rader, nu finns {rows - 3}" in broken.stderr


def test_a_rewritten_and_rechained_trail_is_caught_only_by_the_checkpoint(run, tmp_path):
    run("init", "--demo")
    run("audit", "checkpoint")
    as_owner(run.url, ["UPDATE audit_events SET actor = 'någon annan' WHERE id = 3"])
    rechain(run.url)
    _checkpoint_file(tmp_path).rename(tmp_path / "undan.jsonl")
    assert run("audit", "verify").exit_code == 0  # a recomputed chain is a valid chain on its own
    (tmp_path / "undan.jsonl").rename(_checkpoint_file(tmp_path))
    broken = run("audit", "verify")
    assert broken.exit_code == 3
    assert "loggen har skrivits om och kedjan räknats om" in broken.stderr


def test_a_trail_truncated_and_refilled_to_the_same_length_is_caught(run, tmp_path):
    run("init", "--demo")
    run("audit", "checkpoint")
    as_owner(run.url, ["DELETE FROM audit_events WHERE id = (SELECT MAX(id) FROM audit_events)"])
    added = run("users", "add", "ny", "--name", "Ny Person", "--role", "revisor", "--password", "Lång-och-svår-fras-42")
    assert added.exit_code == 0, added.output
    broken = run("audit", "verify")
    assert broken.exit_code == 3 and "skrivits om" in broken.stderr


def test_a_forged_checkpoint_or_a_missing_key_fails_verify(run, tmp_path):
    run("init", "--demo")
    path = _checkpoint_file(tmp_path)
    record = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    record["rader"] = 2  # "the trail had only two rows then"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    forged = run("audit", "verify")
    assert forged.exit_code == 3 and "signatur som inte stämmer" in forged.stderr
    (tmp_path / "instance" / "audit.key").unlink()
    keyless = run("audit", "verify")
    assert keyless.exit_code == 3 and "nyckeln" in keyless.stderr and "saknas" in keyless.stderr


def test_a_restore_marks_where_the_trail_was_set_back(run, tmp_path):
    run("init", "--demo")
    backup = tmp_path / "kopia.bak"
    assert run("backup", str(backup)).exit_code == 0
    run("users", "add", "efter", "--name", "Efter Kopian", "--role", "revisor", "--password", "Lång-och-svår-fras-42")
    run("audit", "checkpoint")  # counts the row that the backup does not hold
    assert run("restore", str(backup)).exit_code == 0
    kinds = [json.loads(line)["slag"] for line in _checkpoint_file(tmp_path).read_text(encoding="utf-8").splitlines()]
    assert kinds[-1] == "återställning"
    verified = run("audit", "verify")
    assert verified.exit_code == 0, verified.stderr


def test_the_checkpoint_interval_comes_from_the_settings(run, tmp_path, monkeypatch):
    monkeypatch.setenv("STYRDOK_AUDIT_CHECKPOINT_MINUTES", "0")
    run("init", "--demo")
    assert not _checkpoint_file(tmp_path).exists()
    monkeypatch.setenv("STYRDOK_AUDIT_CHECKPOINT_MINUTES", "en timme")
    bad = run("audit", "checkpoint")
    assert bad.exit_code == 2 and "ska vara ett heltal" in bad.stderr
    monkeypatch.setenv("STYRDOK_AUDIT_CHECKPOINT_MINUTES", "60")
    elsewhere = tmp_path / "annan-volym" / "punkter.jsonl"
    monkeypatch.setenv("STYRDOK_AUDIT_CHECKPOINTS", str(elsewhere))
    run("users", "add", "ny", "--name", "Ny Person", "--role", "revisor", "--password", "Lång-och-svår-fras-42")
    assert elsewhere.exists() and not _checkpoint_file(tmp_path).exists()
