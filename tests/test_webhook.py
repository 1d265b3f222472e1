"""webhook calls a real HTTP server on 127.0.0.1: per resource or in batches, with the
JMESPath-built query, headers and body Custodian builds; non-2xx answers and unreachable
endpoints fail the resources they carried, the others still go."""
import pytest

from cloudmaid.actions.webhook import Webhook
from cloudmaid.context import Context
from cloudmaid.policy import Policy
from cloudmaid.session import SessionFactory
from cloudmaid.validate import PolicyChecker

from .httpserver import serving


@pytest.fixture
def server():
    with serving() as (srv, url):
        yield srv, url


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")


def manager(tmp_path, aws):
    ctx = Context(SessionFactory(region="us-east-1"), account_id="123456789012",
                  output_dir=str(tmp_path / "out"))
    p = Policy({"name": "hook", "resource": "ec2"}, ctx)
    p.manager.execution = {"id": "exec-1", "start": 1.5}
    return p.manager


RESOURCES = [{"InstanceId": "i-1", "Tags": [{"Key": "Owner", "Value": "ann"}]},
             {"InstanceId": "i-2", "Tags": []}]


def test_per_resource_calls_with_query_headers_and_body(server, tmp_path, aws):
    srv, url = server
    a = Webhook({"type": "webhook", "url": f"{url}/hook?static=1", "method": "PUT",
                 "query-params": {"id": "resource.InstanceId", "policy": "policy.name"},
                 "headers": {"X-Account": "account_id", "X-Token": "'secret'"},
                 "body": "{id: resource.InstanceId, run: execution_id}"}, manager(tmp_path, aws))
    result = a.run(RESOURCES)
    assert result["succeeded"] == 2 and not result["failed"]
    first = srv.seen[0]
    assert first["method"] == "PUT" and first["path"] == "/hook"
    assert first["query"] == {"static": "1", "id": "i-1", "policy": "hook"}
    assert first["headers"]["X-Account"] == "123456789012" and first["headers"]["X-Token"] == "secret"
    assert first["headers"]["Content-Type"] == "application/json"
    assert first["body"] == {"id": "i-1", "run": "exec-1"}
    assert [s["query"]["id"] for s in srv.seen] == ["i-1", "i-2"]


def test_batches(server, tmp_path, aws):
    srv, url = server
    many = [{"InstanceId": f"i-{n}"} for n in range(5)]
    a = Webhook({"type": "webhook", "url": url, "batch": True, "batch-size": 2,
                 "body": "resources[].InstanceId"}, manager(tmp_path, aws))
    assert a.run(many)["succeeded"] == 5
    assert [s["body"] for s in srv.seen] == [["i-0", "i-1"], ["i-2", "i-3"], ["i-4"]]
    assert all(s["method"] == "POST" for s in srv.seen)


def test_failures_are_reported_per_resource(server, tmp_path, aws):
    srv, url = server
    a = Webhook({"type": "webhook", "url": f"{url}/fail"}, manager(tmp_path, aws))
    result = a.run(RESOURCES)
    assert result["succeeded"] == 0 and [f["id"] for f in result["failed"]] == ["i-1", "i-2"]
    assert "HTTP 500" in result["failed"][0]["error"]
    srv.shutdown()
    srv.server_close()
    gone = Webhook({"type": "webhook", "url": url}, manager(tmp_path, aws)).run(RESOURCES[:1])
    assert gone["failed"] and gone["succeeded"] == 0


def problems(action):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "ec2",
                                            "actions": [action]}).run()]


def test_validation():
    assert problems({"type": "webhook", "url": "https://example.com/x"}) == []
    assert problems({"type": "webhook"})                                   # url required
    assert any("http(s) URL" in m for m in problems({"type": "webhook", "url": "ftp://x"}))
    assert problems({"type": "webhook", "url": "https://x", "body": "resource.[bad"})
    assert problems({"type": "webhook", "url": "https://x", "method": "TRACE"})
