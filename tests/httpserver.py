"""A real HTTP server on 127.0.0.1 recording what it is sent (webhook tests): ``/fail``
answers 500, everything else 200."""
import contextlib
import http.server
import json
import threading
import urllib.parse


class Recorder(http.server.BaseHTTPRequestHandler):
    def handle_one(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urllib.parse.urlparse(self.path)
        self.server.seen.append({"method": self.command, "path": url.path,
                                 "query": dict(urllib.parse.parse_qsl(url.query)),
                                 "headers": dict(self.headers),
                                 "body": json.loads(body) if body else None})
        status = 500 if url.path == "/fail" else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_GET = do_PATCH = do_DELETE = handle_one

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving():
    """``(server, base url)``; ``server.seen`` lists the requests received."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    srv.seen = []
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv, f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()
