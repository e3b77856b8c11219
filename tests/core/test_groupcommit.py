"""The group committer: per-item results, failures that reach the right waiters, ordering, drain."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from agora.core.groupcommit import GroupCommitter

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """The committer is written for asyncio."""
    return "asyncio"


class Store:
    """A fake database: the handler 'commits' batches into ``committed``, one at a time."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.committed: list[int] = []
        self.busy = False
        self.overlaps = 0
        self.release = threading.Event()
        self.release.set()
        self.entered = threading.Event()

    def handle(self, items: Sequence[int]) -> list[str | BaseException]:
        if self.busy:
            self.overlaps += 1
        self.busy = True
        try:
            self.entered.set()
            assert self.release.wait(10)
            self.batches.append(list(items))
            results: list[str | BaseException] = []
            for item in items:
                if item < 0:
                    results.append(ValueError(f"negative: {item}"))
                else:
                    self.committed.append(item)
                    results.append(f"stored {item}")
            return results
        finally:
            self.busy = False


async def test_each_waiter_gets_its_own_result() -> None:
    store = Store()
    committer: GroupCommitter[int, str] = GroupCommitter(store.handle)
    committer.start()

    results = await asyncio.gather(*(committer.submit(i) for i in range(10)))
    await committer.stop()

    assert results == [f"stored {i}" for i in range(10)]
    assert sorted(store.committed) == list(range(10))
    assert committer.items == 10
    assert committer.batches == len(store.batches)


async def test_items_waiting_during_a_commit_share_the_next_batch() -> None:
    store = Store()
    store.release.clear()
    committer: GroupCommitter[int, str] = GroupCommitter(store.handle, max_batch=4)
    committer.start()

    first = asyncio.ensure_future(committer.submit(0))
    assert await asyncio.to_thread(store.entered.wait, 5)
    rest = [asyncio.ensure_future(committer.submit(i)) for i in range(1, 10)]
    await asyncio.sleep(0)
    store.release.set()
    await asyncio.gather(first, *rest)
    await committer.stop()

    assert store.batches == [[0], [1, 2, 3, 4], [5, 6, 7, 8], [9]]
    assert (committer.batches, committer.items) == (4, 10)
    assert store.overlaps == 0


async def test_failure_of_one_item_reaches_only_its_waiter() -> None:
    store = Store()
    store.release.clear()
    committer: GroupCommitter[int, str] = GroupCommitter(store.handle)
    committer.start()
    blocker = asyncio.ensure_future(committer.submit(100))
    assert await asyncio.to_thread(store.entered.wait, 5)

    waiters = [asyncio.ensure_future(committer.submit(i)) for i in (1, -2, 3)]
    await asyncio.sleep(0)
    store.release.set()
    outcomes = await asyncio.gather(blocker, *waiters, return_exceptions=True)
    await committer.stop()

    assert store.batches == [[100], [1, -2, 3]]  # -2 was in the same batch as its neighbours
    assert outcomes[0] == "stored 100"
    assert outcomes[1] == "stored 1"
    assert isinstance(outcomes[2], ValueError)
    assert str(outcomes[2]) == "negative: -2"
    assert outcomes[3] == "stored 3"


async def test_handler_crash_reaches_every_waiter_of_the_batch_and_later_batches_work() -> None:
    store = Store()
    crash = threading.Event()
    crash.set()

    def handle(items: Sequence[int]) -> list[str | BaseException]:
        if crash.is_set():
            raise RuntimeError("database went away")
        return store.handle(items)

    gate = asyncio.Event()
    committer: GroupCommitter[int, str] = GroupCommitter(handle)
    committer.start()

    async def submit_after_gate(item: int) -> str:
        await gate.wait()
        return await committer.submit(item)

    waiters = [asyncio.ensure_future(submit_after_gate(i)) for i in range(5)]
    await asyncio.sleep(0)
    gate.set()
    outcomes = await asyncio.gather(*waiters, return_exceptions=True)
    assert all(isinstance(o, RuntimeError) for o in outcomes), outcomes
    assert all(str(o) == "database went away" for o in outcomes)

    crash.clear()
    assert await committer.submit(7) == "stored 7"
    assert list(await asyncio.gather(committer.submit(8), committer.submit(9))) == [
        "stored 8",
        "stored 9",
    ]
    await committer.stop()
    assert store.committed == [7, 8, 9]


async def test_failing_commit_hook_does_not_strand_waiters_or_stop_the_worker() -> None:
    store = Store()
    seen: list[int] = []

    def on_committed(results: Sequence[str | BaseException]) -> None:
        seen.append(len(results))
        if len(seen) == 1:
            raise KeyError("tally out of step")

    committer: GroupCommitter[int, str] = GroupCommitter(store.handle, on_committed=on_committed)
    committer.start()

    first = await asyncio.wait_for(committer.submit(1), 5)
    second = await asyncio.wait_for(committer.submit(2), 5)
    await asyncio.wait_for(committer.stop(), 5)

    assert (first, second) == ("stored 1", "stored 2")  # both were committed: acknowledge them
    assert seen == [1, 1]


async def test_exclusive_work_runs_between_batches_and_sees_exactly_the_earlier_commits() -> None:
    store = Store()
    store.release.clear()
    committer: GroupCommitter[int, str] = GroupCommitter(store.handle)
    committer.start()
    order: list[str] = []

    def snapshot() -> list[int]:
        if store.busy:
            store.overlaps += 1
        order.append("exclusive")
        return list(store.committed)

    def on_done(result: list[int]) -> None:
        order.append(f"installed {result}")

    before = asyncio.ensure_future(committer.submit(1))
    assert await asyncio.to_thread(store.entered.wait, 5)
    exclusive = asyncio.ensure_future(committer.run_exclusive(snapshot, on_done))
    await asyncio.sleep(0)
    after = asyncio.ensure_future(committer.submit(2))
    await asyncio.sleep(0)
    store.release.set()
    seen = await exclusive
    await asyncio.gather(before, after)
    await committer.stop()

    assert seen == [1]
    assert order == ["exclusive", "installed [1]"]
    assert store.batches == [[1], [2]]
    assert store.overlaps == 0


async def test_exclusive_work_queued_behind_items_splits_their_batch() -> None:
    store = Store()
    store.release.clear()
    committer: GroupCommitter[int, str] = GroupCommitter(store.handle)
    committer.start()
    blocker = asyncio.ensure_future(committer.submit(0))
    assert await asyncio.to_thread(store.entered.wait, 5)

    early = [asyncio.ensure_future(committer.submit(i)) for i in (1, 2)]
    await asyncio.sleep(0)
    exclusive = asyncio.ensure_future(committer.run_exclusive(lambda: list(store.committed)))
    await asyncio.sleep(0)
    late = [asyncio.ensure_future(committer.submit(i)) for i in (3, 4)]
    await asyncio.sleep(0)
    store.release.set()
    await asyncio.gather(blocker, *early, *late)
    await committer.stop()

    assert await exclusive == [0, 1, 2]
    assert store.batches == [[0], [1, 2], [3, 4]]


async def test_exclusive_work_failure_reaches_its_caller_only() -> None:
    committer: GroupCommitter[int, str] = GroupCommitter(Store().handle)
    committer.start()

    def broken() -> None:
        raise LookupError("no such question")

    with pytest.raises(LookupError, match="no such question"):
        await committer.run_exclusive(broken)
    assert await committer.submit(5) == "stored 5"
    await committer.stop()


async def test_exclusive_work_runs_directly_when_the_committer_is_stopped() -> None:
    committer: GroupCommitter[int, str] = GroupCommitter(Store().handle)
    installed: list[int] = []

    assert await committer.run_exclusive(lambda: 41 + 1, installed.append) == 42
    assert installed == [42]


async def test_stop_drains_what_is_queued() -> None:
    store = Store()
    store.release.clear()
    committer: GroupCommitter[int, str] = GroupCommitter(store.handle, max_batch=3)
    committer.start()
    waiters = [asyncio.ensure_future(committer.submit(i)) for i in range(8)]
    await asyncio.sleep(0)
    assert await asyncio.to_thread(store.entered.wait, 5)

    stopping = asyncio.ensure_future(committer.stop())
    await asyncio.sleep(0.01)
    assert not stopping.done()  # still committing what was queued
    store.release.set()
    await asyncio.wait_for(stopping, 5)

    assert all(w.done() for w in waiters)
    assert [w.result() for w in waiters] == [f"stored {i}" for i in range(8)]
    assert sorted(store.committed) == list(range(8))
    with pytest.raises(RuntimeError, match="not running"):
        await committer.submit(9)


async def test_waiter_that_went_away_does_not_block_the_others() -> None:
    store = Store()
    store.release.clear()
    committer: GroupCommitter[int, str] = GroupCommitter(store.handle)
    committer.start()
    blocker = asyncio.ensure_future(committer.submit(0))
    assert await asyncio.to_thread(store.entered.wait, 5)

    leaving = asyncio.ensure_future(committer.submit(1))
    staying = asyncio.ensure_future(committer.submit(2))
    await asyncio.sleep(0)
    leaving.cancel()
    store.release.set()

    assert await staying == "stored 2"
    assert await blocker == "stored 0"
    await asyncio.wait_for(committer.stop(), 5)
    assert store.committed == [0, 1, 2]  # written all the same: the client may retry by key


async def test_handler_returning_the_wrong_number_of_results_fails_that_batch_only() -> None:
    calls = 0

    def handler(items: Sequence[int]) -> list[int | BaseException]:
        nonlocal calls
        calls += 1
        return [] if calls == 1 else [i * 10 for i in items]

    committer: GroupCommitter[int, int] = GroupCommitter(handler)
    committer.start()
    with pytest.raises(RuntimeError, match="returned 0 results for 1"):
        await committer.submit(1)
    assert await committer.submit(2) == 20
    await committer.stop()


async def test_failing_exclusive_callback_reaches_its_caller_and_the_worker_goes_on() -> None:
    committer: GroupCommitter[int, int] = GroupCommitter(lambda items: list(items))
    committer.start()

    def explode(_result: object) -> None:
        raise ValueError("install failed")

    with pytest.raises(ValueError, match="install failed"):
        await committer.run_exclusive(lambda: 1, explode)
    assert await committer.submit(7) == 7
    await committer.stop()
