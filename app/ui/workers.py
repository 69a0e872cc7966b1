"""Running database work off the GUI thread: results come back on the GUI thread through a signal.

Every job queues on the one database worker (ui.taskman), so database work never overlaps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from app.ui import taskman


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:  # worker thread: no widgets here
        try:
            try:
                result = self.fn()
            except BaseException as exc:  # delivered to the GUI thread, which logs and shows it
                self.relay.failed.emit(exc)
            else:
                self.relay.done.emit(result)
        except RuntimeError:
            pass  # the screen that asked was closed meanwhile: nobody is left to receive the result


class Background(QObject):
    """Runs one kind of query at a time for a screen; a newer request makes older results stale (dropped)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._relays: set[_Relay] = set()
        self.pool = taskman.worker()

    def submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[BaseException], None] | None = None) -> None:
        self._generation += 1
        generation = self._generation
        relay = _Relay()
        self._relays.add(relay)

        def finished(result: Any) -> None:
            self._relays.discard(relay)
            if generation == self._generation:
                on_done(result)

        def failed(exc: BaseException) -> None:
            self._relays.discard(relay)
            if on_error is not None:
                on_error(exc)
            else:
                from app.ui.errors import show_unexpected

                show_unexpected(exc)

        relay.done.connect(finished)
        relay.failed.connect(failed)
        self.pool.start(_Job(fn, relay))

    @property
    def busy(self) -> bool:
        return bool(self._relays)

    def wait(self, msecs: int = 5000) -> bool:
        """Block until queued work finishes (for shutdown and tests)."""
        return self.pool.waitForDone(msecs)
