"""The Lambda runtime's part, run in a fresh interpreter (``python -I -S``) by deliver.py.

Standalone on purpose: its source is passed to ``python -c``, so it imports only the standard
library until it imports the function's handler. Arguments: the unzipped function folder (the
task root, first on the import path, as /var/task is in Lambda), the result file, then the
folder holding only boto3 and its dependencies (what the Lambda runtime adds).
stdin carries {"event", "context", "handler"}. The handler's return value (or its error) goes
to the result file as JSON; everything the function prints or logs is the log stream.
"""
import importlib
import json
import logging
import sys
import time
import traceback


class LambdaContext:
    """The context object the Lambda Python runtime passes to handlers."""

    def __init__(self, data, deadline):
        self.function_name = data["function_name"]
        self.function_version = data.get("function_version", "$LATEST")
        self.invoked_function_arn = data["invoked_function_arn"]
        self.memory_limit_in_mb = data["memory_limit_in_mb"]
        self.aws_request_id = data["aws_request_id"]
        self.log_group_name = data["log_group_name"]
        self.log_stream_name = data["log_stream_name"]
        self._deadline = deadline

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.time()) * 1000))


def main(argv):
    task_root, result_file, runtime_paths = argv[0], argv[1], argv[2:]
    sys.path[:0] = [task_root]
    sys.path.extend(p for p in runtime_paths if p not in sys.path)
    payload = json.load(sys.stdin)
    data = payload["context"]
    start = time.time()
    context = LambdaContext(data, start + data["timeout"])
    request_id = data["aws_request_id"]
    # Lambda's runtime installs one handler on the root logger, level WARNING
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(
        f"[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t{request_id}\t%(message)s", "%Y-%m-%dT%H:%M:%S"))
    logging.Formatter.converter = time.gmtime
    logging.getLogger().addHandler(handler)
    print(f"START RequestId: {request_id} Version: {context.function_version}", flush=True)
    outcome = {}
    try:
        module_name, func_name = payload["handler"].rsplit(".", 1)
        func = getattr(importlib.import_module(module_name), func_name)
        outcome["result"] = func(payload["event"], context)
    except Exception as e:
        outcome["error"] = {"errorType": type(e).__name__, "errorMessage": str(e),
                            "stackTrace": traceback.format_exc().splitlines()}
        print(json.dumps(outcome["error"]), flush=True)
    package = sys.modules.get("cloudmaid")
    outcome["cloudmaid_from"] = getattr(package, "__file__", None)
    duration = (time.time() - start) * 1000
    print(f"END RequestId: {request_id}", flush=True)
    print(f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
          f"Memory Size: {context.memory_limit_in_mb} MB", flush=True)
    with open(result_file, "w") as fh:
        json.dump(outcome, fh, default=str)


if __name__ == "__main__":
    main(sys.argv[1:])
