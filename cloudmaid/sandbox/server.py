"""The embedded local AWS: moto's server on 127.0.0.1, running in this process.

Configured the way event mode needs it: Lambda in moto's no-Docker mode (functions can be
created and described; we run their code ourselves, see deliver.py), no default AMIs (they
make every first EC2 call slow), and an IAM role the deployed functions can name. With
``events=True`` every request passes through the recorder (recorder.py) and the lab
(lab.py) delivers the events the calls make, as CloudTrail, EventBridge and Lambda would.
"""
import errno
import json
import logging
import os
import signal
import socket
import threading
import urllib.request

import boto3

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
ACCESS_KEY = "testing"
SECRET_KEY = "testing"
ROLE_NAME = "maid-sandbox-lambda"
_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}
# Set for the sandbox's lifetime, restored on stop (moto reads them when a backend is created).
_MOTO_ENV = {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}


class SandboxError(Exception):
    pass


def _check_port(port):
    """One line for a port the server cannot listen on (moto's server thread would die on it
    and leave start() waiting forever)."""
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise SandboxError(f"port {port} is not a TCP port: use 1-65535, or 0 for a free one")
    if not port:
        return
    with socket.socket() as s:
        # as werkzeug's server does, so a port left in TIME_WAIT by a previous run is usable
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise SandboxError(f"port {port} on 127.0.0.1 is in use; "
                                   "pick another with --port") from None
            raise SandboxError(f"cannot listen on 127.0.0.1:{port}: {e.strerror or e}") from None


class SandboxSession(boto3.Session):
    """A boto3 session whose clients all talk to one endpoint (botocore only reads a
    configured endpoint from the environment or the config file)."""

    def __init__(self, endpoint, **kwargs):
        super().__init__(**kwargs)
        self.endpoint = endpoint

    def client(self, *args, **kwargs):
        kwargs.setdefault("endpoint_url", self.endpoint)
        return super().client(*args, **kwargs)

    def resource(self, *args, **kwargs):
        kwargs.setdefault("endpoint_url", self.endpoint)
        return super().resource(*args, **kwargs)


class Sandbox:
    """moto's server with cloudmaid's settings. Use as a context manager."""

    def __init__(self, port=0, region=REGION, events=False, clock=None):
        self.port = port
        self.region = region
        self.events = events
        self.clock = clock
        self.lab = None
        self.account_id = ACCOUNT_ID
        self.endpoint = None
        self._server = None
        self._thread = None
        self._recorder = None
        self._saved_env = {}
        self._saved_config = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self):
        _check_port(self.port)
        for name, value in _MOTO_ENV.items():
            self._saved_env[name] = os.environ.get(name)
            os.environ[name] = value
        # werkzeug logs every request to stderr unless its logger already has a level
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._serve()
        self.moto_api("reset")
        self._saved_config = self.moto_api("config", method="GET")
        # before any function exists: Lambda without Docker (moto's "simple" Lambda backend)
        self.moto_api("config", {"lambda": {"use_docker": False}})
        self.seed_role()
        if self.events:
            from .lab import Lab
            self.lab = self._recorder.lab = Lab(self, self.clock)
        return self

    def _serve(self):
        """moto's WSGI app behind the recorder, on werkzeug's threaded server (as moto's
        ThreadedMotoServer runs it)."""
        from moto.moto_server.werkzeug_app import (DomainDispatcherApplication, MotoRequestHandler,
                                                   create_backend_app)
        from werkzeug.serving import make_server

        from .recorder import Recorder
        self._recorder = Recorder(DomainDispatcherApplication(create_backend_app))
        self._server = make_server("127.0.0.1", self.port, self._recorder, threaded=True,
                                   request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="maid-sandbox",
                                        daemon=True)
        self._thread.start()
        self.port = self._server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self._server is None:
            return
        if self.lab is not None:
            self.lab.close()
            self.lab = self._recorder.lab = None
        if self._saved_config:
            self.moto_api("config", {"lambda": self._saved_config.get("lambda", {"use_docker": True})})
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._server = None
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- access ----------------------------------------------------------------------------
    def moto_api(self, path, body=None, method=None):
        """Call moto's control API (/moto-api/...); returns the decoded JSON or None."""
        data = json.dumps(body).encode() if body is not None else (b"" if method != "GET" else None)
        req = urllib.request.Request(f"{self.endpoint}/moto-api/{path}", data=data,
                                     method=method or "POST")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=10) as resp:
            text = resp.read()
        try:
            return json.loads(text) if text else None
        except ValueError:
            return None

    def env(self):
        """The environment that points boto3, the AWS CLI and ``maid`` at the sandbox."""
        return {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_DEFAULT_REGION": self.region}

    def session(self):
        """A boto3 session bound to the sandbox, whatever the process environment says."""
        return SandboxSession(self.endpoint, aws_access_key_id=ACCESS_KEY,
                              aws_secret_access_key=SECRET_KEY, region_name=self.region)

    def client(self, service, session=None):
        return (session or self.session()).client(service, region_name=self.region)

    @property
    def role_arn(self):
        return f"arn:aws:iam::{self.account_id}:role/{ROLE_NAME}"

    def seed_role(self):
        """The execution role the sandbox's functions use (moto checks that it exists)."""
        iam = self.client("iam")
        iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=json.dumps(_TRUST),
                        Description="cloudmaid sandbox: execution role for policy functions")
        return self.role_arn


def serve(port=0, with_fleet=False, echo=print, ready=None):
    """``maid sandbox``: run until Ctrl-C (or SIGTERM), printing what to export; every
    client's calls deliver their events to the functions deployed in it."""
    from . import fleet
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *a: stop.set())
    try:
        with Sandbox(port=port, events=True) as sb:
            echo(f"cloudmaid sandbox (moto) listening on {sb.endpoint}, account {sb.account_id}")
            echo(f"function role: {sb.role_arn}")
            if with_fleet:
                echo(f"demo fleet: {fleet.seed(sb.session(), sb.region).summary()}")
            echo("point maid, the AWS CLI or boto3 at it:")
            for name, value in sb.env().items():
                echo(f"  export {name}={value}")
            echo("every call is recorded as CloudTrail (aws cloudtrail lookup-events) and its "
                 "events go to the rules deployed here; schedules fire on time, "
                 "`maid sandbox fire NAME` fires one now.")
            echo("Ctrl-C stops it (its state is discarded).")
            if ready:
                ready(sb)
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
        echo("sandbox stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0
