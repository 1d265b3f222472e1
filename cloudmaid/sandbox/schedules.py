"""Schedules fire on time: EventBridge ``rate(...)`` / ``cron(...)`` rules, EventBridge
Scheduler schedules (their time zone, ``at(...)``, start and end dates) and periodic Config
rules, on a clock (the wall clock, or clock.ManualClock in tests).

A rate fires every period from when the sandbox first saw the rule (EventBridge counts from
the rule's creation); a cron on the minutes it names. The schedules are read again whenever
a call changed EventBridge rules, Scheduler schedules or Config rules.
"""
import datetime
import logging
import threading

from . import clock as clocks

log = logging.getLogger("cloudmaid.sandbox")


class Schedules:
    def __init__(self, lab, clock):
        self.lab = lab
        self.clock = clock
        self.fired = []            # (key, scheduled time), in order
        self._entries = {}         # key -> (expression, anchor, next time)
        self._dirty = True
        self._changed_at = clock.now()   # new rules count their rate from here
        self._stop = False
        self._thread = threading.Thread(target=self._loop, name="maid-schedules", daemon=True)
        self._thread.start()

    def changed(self):
        self._changed_at = self.clock.now()
        self._dirty = True
        self.clock.wake()

    def close(self):
        self._stop = True
        self.clock.wake()
        self._thread.join(timeout=10)

    def _expressions(self):
        """{key: (expression, fire(name, when), time zone)}: every schedule the sandbox holds."""
        out = {}
        for rule in self.lab.delivery.rules():
            if rule.schedule and rule.functions:
                out[("rule", rule.name)] = (rule.schedule, self.lab.fire, None)
        for name, seconds in self.lab.compliance.periodic().items():
            out[("config", name)] = (f"rate({seconds // 60} minutes)", self.lab.compliance.scheduled, None)
        for s in self.lab.scheduler_schedules():
            out[("schedule", f"{s['GroupName']}/{s['Name']}")] = (
                s["ScheduleExpression"], lambda name, when, s=s: self.lab.run_schedule(s, when),
                s.get("ScheduleExpressionTimezone"))
        return out

    def _refresh(self, now):
        self._dirty = False
        since = min(self._changed_at, now)
        found = self._expressions()
        entries = {}
        for key, (expr, fire, tz) in found.items():
            old = self._entries.get(key)
            same = old is not None and old[0] == expr and old[4] == tz
            anchor = old[1] if same else since
            nxt = old[2] if same else clocks.next_time(expr, since, anchor, tz)
            entries[key] = (expr, anchor, nxt, fire, tz)
        self._entries = entries

    def due(self, now):
        """Fire everything due at ``now``; the keys fired."""
        fired = []
        for key, (expr, anchor, nxt, fire, tz) in sorted(self._entries.items()):
            while nxt is not None and nxt <= now:
                fired.append(key)
                self.fired.append((key, nxt))
                try:
                    fire(key[1], nxt)
                except Exception as e:
                    log.warning("sandbox: firing %s %s failed: %s", key[0], key[1], e)
                nxt = clocks.next_time(expr, nxt, anchor, tz)
            self._entries[key] = (expr, anchor, nxt, fire, tz)
        return fired

    def _loop(self):
        while not self._stop:
            try:
                now = self.clock.now()
                if self._dirty:
                    self._refresh(now)
                self.due(now)
                times = [e[2] for e in self._entries.values() if e[2] is not None]
                wake = min(times) if times else None
            except Exception as e:   # the sandbox going away under it, typically
                log.debug("sandbox: schedules: %s", e)
                wake = self.clock.now() + datetime.timedelta(seconds=5)
            if self._stop:
                return
            self.clock.sleep_until(wake)
