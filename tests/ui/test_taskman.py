"""The one database worker: jobs run off the GUI thread, one at a time, with progress and cancel."""

from __future__ import annotations

import threading
import time

import pytest

from app.ui import taskman
from app.ui.workers import Background


def test_jobs_run_one_at_a_time_off_the_gui_thread(qtbot):
    """Two long jobs and a screen's query never overlap, and none runs on the GUI thread."""
    gui = threading.get_ident()
    running, overlaps, threads = [0], [], []
    lock = threading.Lock()

    def job(_progress=None, _cancelled=None):
        with lock:
            running[0] += 1
            overlaps.append(running[0])
            threads.append(threading.get_ident())
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return "ok"

    first, second = taskman.Task(job).start(), taskman.Task(job).start()
    results = []
    Background().submit(lambda: job(), results.append)
    assert first.wait(5000) and second.wait(5000)
    qtbot.waitUntil(lambda: results == ["ok"], timeout=5000)
    assert max(overlaps) == 1 and gui not in threads


def test_progress_arrives_and_a_job_can_be_cancelled(qtbot):
    """progress(fraction, text) reaches the GUI thread; cancel() is seen by a job that polls it."""
    started = threading.Event()

    def job(progress, cancelled):
        progress(0.5, "一半")
        started.set()
        while not cancelled():
            time.sleep(0.01)
        raise RuntimeError("已取消")

    task = taskman.Task(job)
    seen, failed = [], []
    task.progressed.connect(lambda f, text: seen.append((f, text)))
    task.failed.connect(failed.append)
    task.start()
    assert started.wait(5)
    task.cancel()
    qtbot.waitUntil(lambda: bool(failed), timeout=5000)
    assert seen == [(0.5, "一半")] and str(failed[0]) == "已取消"


def test_run_blocking_returns_the_result_or_raises_on_the_gui_thread(qtbot):
    """run_blocking waits (the GUI still turning) and hands back the job's result or its exception."""
    assert taskman.run_blocking(lambda progress, _c: progress(1.0, "完成") or 42, "请稍候") == 42

    def fails(_p, _c):
        raise ValueError("坏了")

    with pytest.raises(ValueError, match="坏了"):
        taskman.run_blocking(fails, "请稍候")
