"""``webhook``: call an HTTP endpoint per resource (or per batch), Cloud Custodian's keys.

``url``; ``method`` (POST by default); ``query-params`` and ``headers``: name -> JMESPath
evaluated over ``{account_id, region, execution_id, execution_start, policy, event,
resource}`` (``resources`` with ``batch: true``, ``batch-size`` per call, 500 by default);
``body``: a JMESPath whose result is sent as JSON. Unlike Custodian, an answer that is not
2xx, or no answer, counts as a failure of the resources the call carried.
"""
import urllib.error
import urllib.parse
import urllib.request

from ..filters.keys import compile_path
from ..output import dumps
from .core import Action, actions

_EXPRS = {"type": "object", "additionalProperties": {"type": "string"}}
TIMEOUT = 30


@actions.register("webhook")
class Webhook(Action):
    """Call ``url`` for each resource (or batch), with JMESPath-built query, headers, body."""
    writes = False
    schema = {"url": {"type": "string"}, "body": {"type": "string"},
              "batch": {"type": "boolean"}, "batch-size": {"type": "number", "minimum": 1},
              "method": {"enum": ["PUT", "POST", "GET", "PATCH", "DELETE"]},
              "query-params": _EXPRS, "headers": _EXPRS}
    required = ("url",)

    def validate(self):
        from ..errors import jmespath_problem
        out = []
        for key in ("query-params", "headers"):
            for name, expr in (self.data.get(key) or {}).items():
                problem = jmespath_problem(expr)
                if problem:
                    out.append(((key, name), problem))
        if self.data.get("body"):
            problem = jmespath_problem(self.data["body"])
            if problem:
                out.append((("body",), problem))
        scheme = urllib.parse.urlparse(self.data.get("url") or "").scheme
        if scheme not in ("http", "https"):
            out.append((("url",), f"expected an http(s) URL, got '{self.data.get('url')}'"))
        return out

    def lookup(self):
        m = self.manager
        execution = getattr(m, "execution", None) or {}
        return {"account_id": m.ctx.account_id, "region": m.ctx.region,
                "execution_id": execution.get("id"), "execution_start": execution.get("start"),
                "policy": getattr(m, "policy_data", None), "event": getattr(m, "event", None)}

    def request(self, data):
        """``urllib.request.Request`` for one call over ``data``."""
        url = self.data["url"]
        params = {k: compile_path(v)(data) for k, v in (self.data.get("query-params") or {}).items()}
        if params:
            parts = list(urllib.parse.urlparse(url))
            query = dict(urllib.parse.parse_qsl(parts[4]))
            query.update({k: "" if v is None else v for k, v in params.items()})
            parts[4] = urllib.parse.urlencode(query)
            url = urllib.parse.urlunparse(parts)
        headers = {k: str(compile_path(v)(data))
                   for k, v in (self.data.get("headers") or {}).items()}
        body = None
        if self.data.get("body"):
            body = dumps(compile_path(self.data["body"])(data), indent=None).encode("utf-8")
            headers["Content-Type"] = "application/json"
        return urllib.request.Request(url, data=body, headers=headers,
                                      method=self.data.get("method", "POST"))

    def call(self, data, carried):
        try:
            with urllib.request.urlopen(self.request(data), timeout=TIMEOUT) as answer:  # noqa: S310
                status = answer.status
        except urllib.error.HTTPError as e:
            status = e.code
        except (urllib.error.URLError, OSError) as e:
            for r in carried:
                self.fail(r, RuntimeError(f"{self.data['url']}: {getattr(e, 'reason', e)}"))
            return
        if 200 <= status < 300:
            self.result["succeeded"] += len(carried)
        else:
            for r in carried:
                self.fail(r, RuntimeError(f"{self.data['url']} answered HTTP {status}"))

    def process(self, resources):
        base = self.lookup()
        if self.data.get("batch"):
            size = int(self.data.get("batch-size", 500))
            for start in range(0, len(resources), size):
                chunk = resources[start:start + size]
                self.call(dict(base, resources=chunk), chunk)
        else:
            for r in resources:
                self.call(dict(base, resource=r), [r])
