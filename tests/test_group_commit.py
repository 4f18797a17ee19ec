"""The decision log's group commit: batches concurrent writes, and never reports an uncommitted one as written."""

from __future__ import annotations

import threading

import pytest

from engine.audit.store import _GroupCommit


def test_concurrent_commits_share_transactions_and_all_return():
    batches: list[int] = []
    gate = threading.Event()

    def write(batch):
        gate.wait(5)  # hold the first commit so the others queue up behind it
        batches.append(len(batch))

    writer = _GroupCommit(write)
    threads = [threading.Thread(target=writer.commit, args=(None, {"id": i})) for i in range(20)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(10)
    writer.close()
    assert sum(batches) == 20
    assert len(batches) < 20  # at least some decisions shared a commit


def test_a_failed_commit_is_an_error_for_every_waiter():
    def write(batch):
        raise RuntimeError("disk full")

    writer = _GroupCommit(write)
    errors = []

    def submit(i):
        try:
            writer.commit(None, {"id": i})
        except RuntimeError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    writer.close()
    assert errors == ["disk full"] * 5


def test_writer_recovers_after_a_failure():
    calls = {"n": 0}

    def write(batch):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("transient")

    writer = _GroupCommit(write)
    with pytest.raises(RuntimeError):
        writer.commit(None, {"id": 1})
    writer.commit(None, {"id": 2})  # the thread keeps serving
    writer.close()
