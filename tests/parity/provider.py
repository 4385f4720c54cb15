"""Runs Airflow's Databricks provider against the fake workspace, one thread per case.

Driven by crates/fake-databricks/tests/parity.rs (`make parity`), which starts the fake and
reads its request log; this process only runs the provider and says what it ended in.

stdin: {"cases": [{"id", "op", "host", "port", "login", "password", "extra",
                   "warehouse"}], "deadline_seconds"}
  op "test": DatabricksHook(conn).test_connection(), what Airflow's Test button and
             `airflow connections test` run, with the hook's default timeouts and retries.
  op "warehouses": DatabricksSqlHook(conn, sql_endpoint_name=warehouse)'s lookup of the
             warehouse's http_path by name, the first thing its get_conn() does
             (`_resolve_http_path`, or `_get_sql_endpoint_by_name` in older providers),
             without opening the SQL session that would follow.
stdout: one JSON object {"versions": {...}, "setup_seconds", "results": [{"id", "ok", "message",
        "exception", "http_path", "last", "seconds"}]}; `last` is the last answer the
        provider's requests got ({"status", "headers", "body", "url"}) or the transport
        failure ({"transport": "timeout" | "connection" | "tls"}).

The environment gives REQUESTS_CA_BUNDLE (the fake's certificate authority). Every name
resolves to 127.0.0.1 and the case's port, in this process only; any other lookup fails,
so nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
import threading
import time

# Airflow reads its configuration when first imported. A home of its own, no database:
# the connections come from AIRFLOW_CONN_* variables, as in the round-trip tests.
os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="dbx-check-parity-")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "CRITICAL"
for name in [n for n in os.environ if n.startswith("AIRFLOW_CONN_")]:
    del os.environ[name]

MAX_BODY_CHARS = 64 * 1024
_case = threading.local()


def _loopback_getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    """Every name the case's thread asks for is the fake, on the case's port."""
    fake_port = getattr(_case, "port", None)
    if fake_port is None:
        raise socket.gaierror(socket.EAI_NONAME, f"parity: no fake for {host!r} outside a case")
    return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", fake_port))]


def _observe_requests():
    """Keeps, per thread, the last answer (or transport failure) the provider's requests met."""
    import requests
    from requests import exceptions as rex

    real_send = requests.Session.send

    def send(self, request, **kwargs):
        try:
            response = real_send(self, request, **kwargs)
        except rex.SSLError:
            _case.last = {"transport": "tls"}
            raise
        except rex.Timeout:
            _case.last = {"transport": "timeout"}
            raise
        except rex.ConnectionError:
            _case.last = {"transport": "connection"}
            raise
        _case.last = {
            "status": response.status_code,
            "headers": [[k.lower(), v] for k, v in response.headers.items()],
            "body": response.content.decode("utf-8", "replace")[:MAX_BODY_CHARS],
            "url": response.url,
        }
        return response

    requests.Session.send = send


def _conn_var(index: int) -> str:
    return f"PARITY_{index}"


def _run(case: dict, hook, results: list, lock: threading.Lock) -> None:
    _case.port = case["port"]
    _case.last = None
    started = time.monotonic()
    result = {"id": case["id"], "ok": False, "message": "", "exception": None, "http_path": None}
    try:
        if case["op"] == "test":
            ok, message = hook.test_connection()
            result["ok"], result["message"] = bool(ok), str(message)
        elif hasattr(hook, "_resolve_http_path"):
            # Provider 7.2x: get_conn() starts with this.
            result["http_path"] = hook._resolve_http_path(allow_endpoint_lookup=True)
            result["ok"], result["message"] = True, "found"
        else:
            # Older providers: get_conn() starts with the lookup itself.
            endpoint = hook._get_sql_endpoint_by_name(case["warehouse"])
            result["http_path"] = endpoint["odbc_params"]["path"]
            result["ok"], result["message"] = True, "found"
    except Exception as e:  # the provider's own failure, reported as the outcome
        result["exception"] = type(e).__name__
        result["message"] = str(e)
    result["message"] = result["message"][:2000]
    result["last"] = _case.last
    result["seconds"] = round(time.monotonic() - started, 2)
    with lock:
        results.append(result)


def main() -> int:
    began = time.monotonic()
    request = json.load(sys.stdin)
    # Airflow may print log lines on stdout: everything but the results goes to stderr.
    results_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    cases = request["cases"]
    deadline = float(request["deadline_seconds"])
    for index, case in enumerate(cases):
        conn = {
            "conn_type": "databricks",
            "host": f"https://{case['host']}",
            "login": case["login"],
            "password": case["password"],
            "extra": case["extra"],
        }
        os.environ[f"AIRFLOW_CONN_{_conn_var(index)}"] = json.dumps(conn)

    socket.getaddrinfo = _loopback_getaddrinfo
    _observe_requests()

    from airflow import __version__ as airflow_version
    from airflow.providers.databricks.hooks.databricks import DatabricksHook
    from airflow.providers.databricks.hooks.databricks_sql import DatabricksSqlHook

    from airflow.providers_manager import ProvidersManager

    manager = ProvidersManager()
    package = manager.hooks["databricks"].package_name
    versions = {"airflow": airflow_version, "provider": manager.providers[package].version}

    def make_hook(index: int, case: dict):
        if case["op"] == "test":
            hook = DatabricksHook(databricks_conn_id=_conn_var(index))
        else:
            hook = DatabricksSqlHook(
                databricks_conn_id=_conn_var(index), sql_endpoint_name=case["warehouse"]
            )
        _ = hook.databricks_conn
        _ = hook.user_agent_value
        return hook

    # Each hook is built here, in one thread, so that the connection lookup, the providers
    # manager (the User-Agent) and Airflow's configuration are never raced; each case's
    # thread starts as soon as its hook exists, the caller's slowest cases first.
    results: list = []
    lock = threading.Lock()
    threads = []
    end = time.monotonic() + deadline
    for index, case in enumerate(cases):
        hook = make_hook(index, case)
        thread = threading.Thread(target=_run, args=(case, hook, results, lock), daemon=True)
        thread.start()
        threads.append(thread)
    setup_seconds = round(time.monotonic() - began, 2)
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    with lock:
        done = list(results)
    json.dump({"versions": versions, "setup_seconds": setup_seconds, "results": done}, results_out)
    results_out.flush()
    # Threads still running (past the deadline) are daemons: leave without waiting.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
