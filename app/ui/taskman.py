"""The one database worker: every query and long job of the GUI runs on a single thread, one at a time, so
database work never overlaps and the GUI thread never waits on SQLite (the pattern of Anki's taskman).

- `Task(fn)`: fn(progress, cancelled) runs on the worker; progress(fraction, text) and the result or the
  exception come back on the GUI thread as the signals progressed / done / failed. cancel() asks the job to
  stop: jobs that can stop safely poll cancelled() and raise their own "cancelled" error.
- `run_blocking(...)`: run a task while a modal progress dialog shows, and return its result (or raise its
  exception) on the GUI thread: for first run, opening with an upgrade and restoring, when no window is up.
- ui.workers.Background queues its queries on this same worker.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

Progress = Callable[[float, str], None]  # (fraction done 0..1, or < 0 when unknown; what is being done)
Job = Callable[[Progress, Callable[[], bool]], Any]

_worker: QThreadPool | None = None


def worker() -> QThreadPool:
    """The single worker thread all database jobs queue on."""
    global _worker
    if _worker is None:
        _worker = QThreadPool()
        _worker.setMaxThreadCount(1)
        _worker.setExpiryTimeout(-1)  # keep the one thread: jobs run back to back
    return _worker


def wait_idle(msecs: int = 15000) -> bool:
    """Block until every queued job has finished (shutdown and tests)."""
    return worker().waitForDone(msecs)


class _Run(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task

    def run(self) -> None:  # worker thread: no widgets here
        task = self.task
        try:
            try:
                result = task.fn(task._progress, task.stop.is_set)
            except BaseException as exc:  # delivered to the GUI thread, which logs and shows it
                task._ended.set()
                task.failed.emit(exc)
            else:
                task._ended.set()
                task.done.emit(result)
        except RuntimeError:
            pass  # the window that asked was closed meanwhile: nobody is left to receive the result


class Task(QObject):
    """One job on the database worker; see the module docstring. Create and connect on the GUI thread."""

    progressed = Signal(float, str)
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Job, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fn = fn
        self.stop = threading.Event()
        self._ended = threading.Event()

    def _progress(self, fraction: float, text: str = "") -> None:
        with contextlib.suppress(RuntimeError):  # the window that asked was closed meanwhile
            self.progressed.emit(float(fraction), text)

    def start(self) -> Task:
        worker().start(_Run(self))
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
