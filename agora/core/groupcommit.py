"""Group commit: many writes, one transaction, acknowledged only after the commit.

Requests hand their item to :meth:`GroupCommitter.submit` and wait. One worker takes
everything queued so far (up to ``max_batch``), runs the batch handler in a thread — the
handler writes all items in a single transaction — and then wakes each waiter with its own
result. While a batch is being committed, new items pile up for the next one, so batches
grow with the load and a lone request is not delayed by any timer.

Work that must see exactly the commits before it and none after it (rebuilding an
in-memory tally from the database) runs through :meth:`GroupCommitter.run_exclusive`,
serialised with the batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import anyio.to_thread

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)

#: A batch handler returns, per item, its result or the exception to raise for it.
BatchHandler = Callable[[Sequence[T]], Sequence["R | BaseException"]]


@dataclass
class _Pending(Generic[T]):
    item: T
    future: asyncio.Future[Any] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass
class _Exclusive:
    function: Callable[[], Any]
    on_done: Callable[[Any], None] | None = None
    future: asyncio.Future[Any] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class GroupCommitter(Generic[T, R]):
    """Collects items from concurrent requests and commits them in batches."""

    def __init__(
        self,
        handler: Callable[[Sequence[T]], Sequence[R | BaseException]],
        *,
        max_batch: int = 500,
        on_committed: Callable[[Sequence[R | BaseException]], None] | None = None,
    ) -> None:
        self._handler = handler
        self._max_batch = max_batch
        self._on_committed = on_committed
        self._queue: asyncio.Queue[_Pending[T] | _Exclusive] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0
        self.items = 0

    def start(self) -> None:
        """Start the worker on the running event loop."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="group-commit")

    async def stop(self) -> None:
        """Finish what is queued, then stop the worker."""
        if self._task is None:
            return
        await self._queue.join()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    def running_here(self) -> bool:
        """Tell whether the worker runs on the current event loop (submit may be awaited)."""
        return self._task is not None and self._task.get_loop() is asyncio.get_running_loop()

    async def submit(self, item: T) -> R:
        """Queue ``item`` and return its result once its batch is committed."""
        if self._task is None:
            raise RuntimeError("the group committer is not running")
        pending: _Pending[T] = _Pending(item)
        self._queue.put_nowait(pending)
        result: R = await pending.future
        return result

    async def run_exclusive(
        self, function: Callable[[], Any], on_done: Callable[[Any], None] | None = None
    ) -> Any:
        """Run ``function`` in a thread between two batches and return its result.

        ``on_done`` runs on the event loop with the result before the next batch commits.
        """
        if self._task is None:
            result = await anyio.to_thread.run_sync(function)
            if on_done is not None:
                on_done(result)
            return result
        job = _Exclusive(function, on_done)
        self._queue.put_nowait(job)
        return await job.future

    async def _run(self) -> None:
        while True:
            first = await self._queue.get()
            if isinstance(first, _Exclusive):
                await self._run_exclusive(first)
                continue
            batch = [first]
            while len(batch) < self._max_batch and not self._queue.empty():
                nxt = self._queue.get_nowait()
                if isinstance(nxt, _Exclusive):
                    await self._commit(batch)
                    batch = []
                    await self._run_exclusive(nxt)
                    continue
                batch.append(nxt)
            if batch:
                await self._commit(batch)

    async def _run_exclusive(self, job: _Exclusive) -> None:
        try:
            result = await anyio.to_thread.run_sync(job.function)
        except Exception as exc:  # handed to the waiter, who re-raises it
            if not job.future.done():
                job.future.set_exception(exc)
        else:
            try:
                if job.on_done is not None:
                    job.on_done(result)
            except Exception as exc:  # handed to the waiter; the worker goes on
                if not job.future.done():
                    job.future.set_exception(exc)
            if not job.future.done():
                job.future.set_result(result)
        finally:
            self._queue.task_done()

    async def _commit(self, batch: list[_Pending[T]]) -> None:
        items = [p.item for p in batch]
        try:
            results: Sequence[R | BaseException] = await anyio.to_thread.run_sync(
                self._handler, items
            )
        except Exception as exc:  # the whole transaction failed: every waiter learns it
            results = [exc] * len(batch)
        if len(results) != len(batch):  # a broken handler must not kill the worker
            error = RuntimeError(f"batch handler returned {len(results)} results for {len(batch)}")
            log.error("%s", error)
            results = [error] * len(batch)
        self.batches += 1
        self.items += len(batch)
        if self._on_committed is not None:
            try:
                self._on_committed(results)
            except Exception:  # the batch is committed: its waiters must still be answered
                log.exception("the after-commit hook failed for a batch of %d", len(batch))
        for pending, result in zip(batch, results, strict=True):
            if pending.future.done():  # the waiter went away (client disconnected)
                pass
            elif isinstance(result, BaseException):
                pending.future.set_exception(result)
            else:
                pending.future.set_result(result)
            self._queue.task_done()
