"""Themes found in the background, with progress, so the themes page never waits for them.

Embedding 1,000 answers with multilingual-e5-small takes 15–60 s on two cores: too long
for a request. ``job_for`` starts (or finds) the grouping of one question's answers in a
worker thread of this process; the themes page shows its progress and reloads until the
result is there. One grouping runs at a time (the machine has few cores); jobs are keyed
by the question and its answers, so a new answer starts a new job, and the most recent
``KEPT`` jobs are kept in memory (a restart only means grouping again).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from agora.text.themes import ThemeResult, find_themes

log = logging.getLogger(__name__)

#: Below this many answers, themes are found within the request (a few seconds at most).
BACKGROUND_FROM = 100
#: How many finished or running jobs are remembered.
KEPT = 32

_lock = threading.Lock()
_run_one = threading.Lock()
_jobs: OrderedDict[tuple[int, str], Job] = OrderedDict()


@dataclass
class Job:
    """The grouping of one question's answers: progress, then the result or the failure."""

    total: int
    done: int = 0
    result: ThemeResult | None = None
    failed: bool = False
    finished: threading.Event = field(default_factory=threading.Event)

    def progress(self, done: int, total: int) -> None:
        """Record that ``done`` of ``total`` answers are embedded."""
        self.done, self.total = done, total

    @property
    def percent(self) -> int:
        """Return how far the embedding is, 0–100."""
        return 100 if self.total == 0 else min(100, self.done * 100 // self.total)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the job ends; return whether it did within ``timeout`` seconds."""
        return self.finished.wait(timeout)


def _key(question_id: int, texts: Sequence[str], k: int | None) -> tuple[int, str]:
    digest = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()
    return question_id, f"{digest}:{k or 'auto'}"


def _run(job: Job, texts: list[str], k: int | None) -> None:
    try:
        with _run_one:
            job.result = find_themes(texts, k=k, progress=job.progress)
    except Exception:  # a failure is shown on the page; the request thread is not there
        log.exception("finding themes failed")
        job.failed = True
    finally:
        job.finished.set()


def job_for(question_id: int, texts: Sequence[str], k: int | None = None) -> Job:
    """Return the job grouping these answers of the question (into ``k`` themes, or as many
    as the method finds), starting it if there is none. A job that failed is started again.
    """
    texts = [str(text) for text in texts]
    key = _key(question_id, texts, k)
    with _lock:
        job = _jobs.get(key)
        if job is not None and not job.failed:
            _jobs.move_to_end(key)
            return job
        job = Job(total=len(texts))
        _jobs[key] = job
        while len(_jobs) > KEPT:
            _jobs.popitem(last=False)
    threading.Thread(target=_run, args=(job, texts, k), name="themes", daemon=True).start()
    return job


def finished_result(
    question_id: int, texts: Sequence[str], k: int | None = None
) -> ThemeResult | None:
    """Return the result of a finished job for these answers (and ``k``), if there is one."""
    with _lock:
        job = _jobs.get(_key(question_id, [str(text) for text in texts], k))
    return job.result if job is not None else None
