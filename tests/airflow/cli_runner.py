"""Runs `airflow connections add` commands through Airflow's own CLI parser and command
functions in one process, then exports what Airflow stored.

Usage: python cli_runner.py ARGV_DIR EXPORT_JSON REPORT_JSON
ARGV_DIR holds one file per command, named 1, 2, ...: the words a real shell passed to
`airflow`, NUL-separated (written by the shell itself, see test_cli.py). One process instead
of one `airflow` start-up (about 2 s) per command; the real executable is exercised by
test_cli.py too.
"""

import json
import sys
from pathlib import Path

from airflow.cli import cli_parser


def main() -> None:
    argv_dir, export_path, report_path = (Path(arg) for arg in sys.argv[1:4])
    parser = cli_parser.get_parser()
    report = []
    for path in sorted(argv_dir.iterdir(), key=lambda p: int(p.name)):
        argv = [word.decode("utf-8") for word in path.read_bytes().split(b"\0")[:-1]]
        entry = {"command": int(path.name), "argv": argv}
        try:
            args = parser.parse_args(argv)
            args.func(args)
            entry["ok"] = True
        except SystemExit as exc:
            entry["ok"] = False
            entry["error"] = str(exc.code)
        report.append(entry)
    args = parser.parse_args(["connections", "export", str(export_path), "--file-format", "json"])
    args.func(args)
    report_path.write_text(json.dumps(report), encoding="utf-8")


if __name__ == "__main__":
    main()
