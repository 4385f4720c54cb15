#!/usr/bin/env python3
"""Prints what `dbx-check` answers for every row of the core's host, credential, Airflow and
import tables, one JSON line per call, so two builds can be compared byte for byte:

    scripts/snapshot-outputs.py target/debug/dbx-check > before.jsonl
    (change the code, build)
    scripts/snapshot-outputs.py target/debug/dbx-check > after.jsonl
    diff before.jsonl after.jsonl

Goes through the command, the JSON contract, so it holds across changes inside the core.
Rows whose secret is a generated JWT are left out: their expiry wording depends on the clock.
"""

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "crates/core/tests/data"


def run(binary, args, stdin=""):
    done = subprocess.run(
        [binary, *args], input=stdin.encode(), capture_output=True, timeout=30
    )
    return {
        "args": args,
        "rc": done.returncode,
        "out": done.stdout.decode(errors="replace"),
        "err": done.stderr.decode(errors="replace"),
    }


def unescape(text):
    # The tables' own escapes: \t \n \r \\ \u{hex}.
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in "tnr\\":
                out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[nxt])
                i += 2
                continue
            if nxt == "u" and text[i + 2 : i + 3] == "{":
                end = text.index("}", i)
                out.append(chr(int(text[i + 3 : end], 16)))
                i = end + 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def table_inputs(name):
    rows = [l for l in (DATA / name).read_text().splitlines() if l and not l.startswith("#")]
    return [unescape(r.split("\t")[0]) for r in rows[1:]]


def fill(text, placeholders):
    for key, value in placeholders.items():
        text = text.replace(key, value)
    return text


def main():
    binary = sys.argv[1]
    lines = []
    for name in ("host_inputs.tsv", "hosts.tsv"):
        for text in table_inputs(name):
            lines.append(run(binary, ["host", text]))

    creds = json.loads((DATA / "credential_cases.json").read_text())
    ph = creds["placeholders"]
    hosts = {
        "azure": "https://adb-5555555555555555.19.azuredatabricks.net",
        "gcp": "https://1234567890123456.7.gcp.databricks.com",
        "aws": "https://dbc-a1b2345c-d6e7.cloud.databricks.com",
    }
    for case in creds["cases"]:
        if "jwt" in case:
            continue
        args = ["credential", "--method", case["method"]]
        if case.get("login"):
            args += ["--login", fill(case["login"], ph)]
        if case.get("cloud"):
            args += ["--host", hosts[case["cloud"]]]
        for key, value in (case.get("extra") or {}).items():
            if key.startswith("azure_"):  # the extras the command takes
                args += ["--" + key.replace("_", "-"), fill(value, ph)]
        lines.append(run(binary, args, fill(case.get("secret", ""), ph)))
    for case in creds["host_field_cases"]:
        lines.append(
            run(binary, ["credential", "--method", "pat", "--host", fill(case["text"], ph)], ph["{pat}"])
        )

    for case in json.loads((DATA / "airflow_cases.json").read_text())["cases"]:
        lines.append(run(binary, ["airflow"], json.dumps(case["request"])))

    for case in json.loads((DATA / "import_cases.json").read_text())["cases"]:
        lines.append(run(binary, ["import"], case["text"]))

    for line in lines:
        print(json.dumps(line, ensure_ascii=False, sort_keys=True))
    print(f"{len(lines)} calls", file=sys.stderr)


if __name__ == "__main__":
    main()
