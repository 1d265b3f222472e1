"""A progress line on stderr for runs that take a while.

Shown only when stderr is a terminal and the run has lasted longer than ``delay`` seconds, so
short runs, pipes and CI logs stay clean. Output lines printed through ``echo`` erase the
indicator first and it is redrawn after them, so the two never mix on one line.
"""
import sys
import threading
import time

FRAMES = "|/-\\"


class Progress:
    def __init__(self, total=None, stream=None, delay=2.0, interval=0.2, enabled=None,
                 label="running"):
        self.total = total
        self.stream = stream or sys.stderr
        self.delay = delay
        self.interval = interval
        self.label = label
        self.enabled = (hasattr(self.stream, "isatty") and self.stream.isatty()) if enabled is None else enabled
        self.done = 0
        self.current = None
        self._shown = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None
        self._start = None
        self._frame = 0

    def __enter__(self):
        self._start = time.monotonic()
        if self.enabled:
            self._thread = threading.Thread(target=self._tick, name="maid-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread:
            self._thread.join()
        with self._lock:
            self._erase()
        return False

    def advance(self, n=1):
        with self._lock:
            self.done += n

    def echo(self, echo):
        """Wrap an ``echo(line, err=...)`` so each printed line counts as one step done."""
        def wrapped(message="", **kwargs):
            with self._lock:
                self._erase()
                echo(message, **kwargs)
                self.done += 1
                if self._shown_once():
                    self._draw()
        return wrapped

    def text(self):
        elapsed = time.monotonic() - self._start
        count = f"{min(self.done, self.total)}/{self.total}" if self.total else f"{self.done}"
        return f"{FRAMES[self._frame % len(FRAMES)]} {self.label}: {count} done, {elapsed:.0f}s"

    # -- drawing (callers hold the lock) ----------------------------------------------------
    def _shown_once(self):
        return self.enabled and time.monotonic() - self._start >= self.delay

    def _draw(self):
        self.stream.write("\r" + self.text() + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def _erase(self):
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False

    def _tick(self):
        while not self._stop.wait(self.interval):
            with self._lock:
                if self._shown_once():
                    self._frame += 1
                    self._draw()
