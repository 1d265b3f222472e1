"""`maid sandbox --port`: a port the server cannot listen on is one line, exit 1, nothing started."""
import socket

import pytest
from click.testing import CliRunner

from cloudmaid.cli import main


@pytest.mark.parametrize("port", ["99999", "65536", "-1"])
def test_port_out_of_range(port):
    r = CliRunner().invoke(main, ["sandbox", "--port", port])
    assert (r.exit_code, r.output) == (
        1, f"port {port} is not a TCP port: use 1-65535, or 0 for a free one\n")


def test_port_in_use():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = CliRunner().invoke(main, ["sandbox", "--port", str(port)])
    assert (r.exit_code, r.output) == (
        1, f"port {port} on 127.0.0.1 is in use; pick another with --port\n")
