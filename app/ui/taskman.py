"""The one database worker: every query and long job of the GUI runs on a single thread, one at a time, so
database work never overlaps and the GUI thread never waits on SQLite (the pattern of Anki's taskman).
One exception, the read lane (`reader()`): a read-only query that a screen shows beside another of its own
may run there, on a second thread, in its own read transaction on its own connection (WAL lets one reader
run beside the worker, whether it reads or writes). 首页 uses it for its 督办提醒, which would otherwise wait
for its figures.

- `Task(fn[, lane])`: fn(progress, cancelled) runs on the worker; progress(fraction, text) and the result or the
  exception come back on the GUI thread as the signals progressed / done / failed. cancel() asks the job to
  stop: jobs that can stop safely poll cancelled() and raise their own "cancelled" error.
- `run_blocking(...)`: run a task while a modal progress dialog shows, and return its result (or raise its
  exception) on the GUI thread: for first run, opening with an upgrade and restoring, when no window is up.
- ui.workers.Background queues its queries on this same worker.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

Progress = Callable[[float, str], None]  # (fraction done 0..1, or < 0 when unknown; what is being done)
Job = Callable[[Progress, Callable[[], bool]], Any]

_worker: QThreadPool | None = None
_reader: QThreadPool | None = None


def worker() -> QThreadPool:
    """The single worker thread all database jobs queue on."""
    global _worker
    if _worker is None:
        _worker = QThreadPool()
        _worker.setMaxThreadCount(1)
        _worker.setExpiryTimeout(-1)  # keep the one thread: jobs run back to back
    return _worker


def reader() -> QThreadPool:
    """The read lane: one thread for read-only queries that may run beside the worker (see above)."""
    global _reader
    if _reader is None:
        _reader = QThreadPool()
        _reader.setMaxThreadCount(1)
        _reader.setExpiryTimeout(-1)
    return _reader


def wait_idle(msecs: int = 15000) -> bool:
    """Block until every queued job has finished, on the worker and on the read lane (shutdown and tests)."""
    return worker().waitForDone(msecs) and reader().waitForDone(msecs)


class _Bus(QObject):
    """The one long-lived object the worker signals through. The worker never holds a per-job QObject, so no
    Qt object is ever destroyed on the worker thread while the GUI thread delivers its signals."""

    progressed = Signal(int, float, str)
    ended = Signal(int, bool, object)


_bus: _Bus | None = None
_live: dict[int, Task] = {}  # GUI thread only: tasks started and not yet ended
_tokens = itertools.count(1)


def _the_bus() -> _Bus:
    global _bus
    if _bus is None:  # created on the GUI thread, by the first Task.start
        _bus = _Bus()
        _bus.progressed.connect(_deliver_progress)
        _bus.ended.connect(_deliver_end)
    return _bus


def _deliver_progress(token: int, fraction: float, text: str) -> None:
    task = _live.get(token)
    if task is not None:
        with contextlib.suppress(RuntimeError):  # the window that asked was closed meanwhile
            task.progressed.emit(fraction, text)


def _deliver_end(token: int, ok: bool, payload: object) -> None:
    task = _live.pop(token, None)
    if task is None:
        return
    with contextlib.suppress(RuntimeError):  # the window that asked was closed meanwhile
        (task.done if ok else task.failed).emit(payload)


class _Run(QRunnable):
    """What the worker runs: plain Python values only (a token, the function, two threading events)."""

    def __init__(self, token: int, fn: Job, stop: threading.Event, ended: threading.Event, bus: _Bus) -> None:
        super().__init__()
        self.token, self.fn, self.stop, self.ended, self.bus = token, fn, stop, ended, bus

    def run(self) -> None:  # worker thread: no widgets here
        token, bus = self.token, self.bus

        def progress(fraction: float, text: str = "") -> None:
            bus.progressed.emit(token, float(fraction), text)

        try:
            result = self.fn(progress, self.stop.is_set)
        except BaseException as exc:  # delivered to the GUI thread, which logs and shows it
            self.ended.set()
            bus.ended.emit(token, False, exc)
        else:
            self.ended.set()
            bus.ended.emit(token, True, result)


class Task(QObject):
    """One job on the database worker; see the module docstring. Create and connect on the GUI thread."""

    progressed = Signal(float, str)
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Job, parent: QObject | None = None, *, lane: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.fn = fn
        self.lane = lane  # None: the worker
        self.stop = threading.Event()
        self._ended = threading.Event()

    def start(self) -> Task:
        token = next(_tokens)
        bus = _the_bus()
        _live[token] = self
        (self.lane or worker()).start(_Run(token, self.fn, self.stop, self._ended, bus))
        return self

    def cancel(self) -> None:
        """Ask the job to stop at its next safe point."""
        self.stop.set()

    @property
    def ended(self) -> bool:
        return self._ended.is_set()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the job has ended (True) or msecs passed (False)."""
        return self._ended.wait(None if msecs < 0 else msecs / 1000)


def run_blocking(fn: Job, text: str, parent: QWidget | None = None, *, title: str = "请稍候",
                 cancellable: bool = False, show_after_ms: int = 300) -> Any:
    """Run fn on the worker while a modal progress dialog shows (after show_after_ms, with 取消 when
    cancellable); return its result or raise its exception, on the GUI thread."""
    task = Task(fn)
    dialog = QProgressDialog(text, "取消" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(title)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.setMinimumDuration(show_after_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def progressed(fraction: float, label: str) -> None:
        if fraction >= 0:
            dialog.setRange(0, 1000)
            dialog.setValue(int(min(fraction, 1.0) * 1000))
        if label:
            dialog.setLabelText(label)

    def finish(key: str, value: Any) -> None:
        outcome[key] = value
        loop.quit()

    task.progressed.connect(progressed)
    task.done.connect(lambda result: finish("result", result))
    task.failed.connect(lambda exc: finish("error", exc))
    dialog.canceled.connect(task.cancel)
    task.start()
    if not outcome:
        loop.exec()
    dialog.close()
    dialog.deleteLater()
    task.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
