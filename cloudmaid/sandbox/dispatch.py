"""The sandbox's EventBridge and Lambda service: events in, function invocations out.

Events are taken in the order they were recorded. Each is matched against the enabled rules
(read back from the sandbox's EventBridge, again whenever a call changed them) and queued to
each target function's lane; a lane runs its function on its events one after another, in
order, while different functions run side by side (as Lambda runs functions). Delivery
happens on background threads: the caller that made the call never waits for it.

A function's own calls are events too, delivered like any other. Lambda's recursive loop
detection stops a chain of function-caused events after 16 invocations; the sandbox does the
same and says so on its log.
"""
import collections
import itertools
import logging
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger("cloudmaid.sandbox")
MAX_CHAIN = 16
WORKERS = 4


class Dispatcher:
    def __init__(self, delivery, max_chain=MAX_CHAIN, workers=WORKERS):
        self.delivery = delivery
        self.max_chain = max_chain
        self.invocations = []          # (sequence, Invocation), in completion order
        self.dropped = []              # events a chain too long did not deliver
        self._queue = queue.Queue()
        self._seq = itertools.count()
        self._lanes = collections.defaultdict(collections.deque)
        self._running = set()          # functions whose lane is being worked
        self._pending = 0              # events queued or lanes still working
        self._idle = threading.Condition()
        self._rules = None
        self._rules_version = 0
        self._version = 0
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="maid-lambda")
        self._listeners = []
        self._thread = threading.Thread(target=self._loop, name="maid-eventbridge", daemon=True)
        self._thread.start()

    # -- input --------------------------------------------------------------------------------
    def submit(self, events, depth=0):
        """Queue ``events`` (one call's, in order) for the rules; ``depth`` is how many
        invocations led to them."""
        for event in events:
            self._add()
            self._queue.put((next(self._seq), event, depth))

    def invoke(self, function, event, depth=0):
        """Queue a direct invocation of ``function`` (a Config rule, a schedule fired now);
        its sequence number."""
        seq = next(self._seq)
        self._add()
        self._queue.put((seq, event, depth, function))
        return seq

    def later(self, task):
        """Run ``task()`` on the delivery thread, in order with the events queued so far."""
        self._add()
        self._queue.put((next(self._seq), None, 0, task))

    def rules_changed(self):
        self._version += 1

    def on_invocation(self, callback):
        """``callback(sequence, invocation)`` after each invocation."""
        self._listeners.append(callback)

    # -- waiting ------------------------------------------------------------------------------
    def drain(self, timeout=60.0):
        """Wait until every queued event and everything it caused has been delivered; True
        when it has within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def wait_for(self, predicate, timeout=60.0):
        """The first invocation ``predicate`` accepts, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while True:
                found = next((inv for _, inv in self.invocations if predicate(inv)), None)
                left = deadline - time.monotonic()
                if found is not None or left <= 0:
                    return found
                self._idle.wait(min(left, 0.5))

    def wait_for_all(self, seqs, timeout=60.0):
        """The invocations of the events numbered ``seqs``, once they have all run (or
        ``timeout`` seconds passed)."""
        wanted = set(seqs)
        deadline = time.monotonic() + timeout
        with self._idle:
            while True:
                done = [inv for seq, inv in self.invocations if seq in wanted]
                left = deadline - time.monotonic()
                if len(done) >= len(wanted) or left <= 0:
                    return done
                self._idle.wait(min(left, 0.5))

    def close(self):
        self._queue.put(None)
        self._thread.join(timeout=10)
        self._pool.shutdown(wait=True)

    # -- the work -----------------------------------------------------------------------------
    def _add(self):
        with self._idle:
            self._pending += 1

    def _done(self):
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def _current_rules(self):
        version = self._version
        if self._rules is None or version != self._rules_version:
            self._rules, self._rules_version = self.delivery.rules(), version
        return self._rules

    def _loop(self):
        while True:
            item = self._queue.get()
            if item is None:
                return
            try:
                self._route(*item)
            except Exception:
                log.exception("sandbox: delivering an event failed")
            finally:
                self._done()

    def _route(self, seq, event, depth, function=None):
        if event is None:
            function()
            return
        if function is not None:
            targets = [function]
        else:
            targets = self.delivery.targets(event, self._current_rules())
        if not targets:
            return
        if depth >= self.max_chain:
            self.dropped.append(event)
            log.warning("sandbox: not delivering %s to %s: %d function invocations led to it "
                        "(Lambda stops such a recursive loop there)", _label(event),
                        ", ".join(targets), depth)
            return
        for name in targets:
            with self._idle:
                self._pending += 1
                self._lanes[name].append((seq, event, depth))
                start = name not in self._running
                self._running.add(name)
            if start:
                self._pool.submit(self._lane, name)

    def _lane(self, name):
        while True:
            with self._idle:
                if not self._lanes[name]:
                    self._running.discard(name)
                    return
                seq, event, depth = self._lanes[name].popleft()
            try:
                inv = self.delivery.invoke(name, event, depth=depth + 1)
                with self._idle:
                    self.invocations.append((seq, inv))
                for callback in self._listeners:
                    callback(seq, inv)
            except Exception as e:
                log.warning("sandbox: invoking %s failed: %s", name, e)
            finally:
                self._done()


def _label(event):
    detail = event.get("detail") or {}
    return " ".join(filter(None, (event.get("detail-type"), detail.get("eventName"),
                                  detail.get("state"))))
