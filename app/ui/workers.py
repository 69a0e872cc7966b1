"""Running database work off the GUI thread: results come back on the GUI thread through a signal.

Every job queues on the one database worker (ui.taskman), so database work never overlaps; a Background made
with `reads_beside=True` runs its read-only queries on taskman's read lane instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject

from app.ui import taskman


class Background(QObject):
    """Runs one kind of query at a time for a screen; a newer request makes older results stale (dropped)."""

    def __init__(self, parent: QObject | None = None, *, reads_beside: bool = False) -> None:
        super().__init__(parent)
        self._generation = 0
        self._tasks: set[taskman.Task] = set()
        self.pool = taskman.reader() if reads_beside else taskman.worker()

    def submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[BaseException], None] | None = None) -> None:
        self._generation += 1
        generation = self._generation
        task = taskman.Task(lambda _progress, _cancelled: fn(), lane=self.pool)
        self._tasks.add(task)

        def finished(result: Any) -> None:
            self._tasks.discard(task)
            if generation == self._generation:
                on_done(result)

        def failed(exc: BaseException) -> None:
            self._tasks.discard(task)
            if not shiboken6.isValid(self):  # the screen that asked is gone: log it, interrupt nobody
                from app.errors import log_exception

                log_exception(exc, "后台查询（界面已关闭）")
            elif on_error is not None:
                on_error(exc)
            else:
                from app.ui.errors import show_unexpected

                show_unexpected(exc)

        task.done.connect(finished)
        task.failed.connect(failed)
        task.start()

    def drop_pending(self) -> None:
        """The results of the work submitted so far are dropped when they arrive: the screen has asked afresh."""
        self._generation += 1

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def wait(self, msecs: int = 5000) -> bool:
        """Block until queued work finishes (for shutdown and tests)."""
        return self.pool.waitForDone(msecs)
