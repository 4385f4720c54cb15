"""Argument-echo stand-ins for the tools the generated commands call (`airflow`, `aws`,
`gcloud`, `az`, `vault`, `kubectl`, `helm`): a command runs in a real shell with them first
on PATH, and each call records its argv and, where an argument says the tool reads it, its
stdin. What a real tool then does with those (stores them, reads stdin or `@file`) is
written out beside each test, from the tool's documentation."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

TOOLS = ("airflow", "aws", "gcloud", "az", "vault", "kubectl", "helm")
# The shells the prompting commands are written for (sh has no `read -s`).
PROMPT_SHELLS = [shell for shell in ("bash", "zsh") if shutil.which(shell)]

# A `describe` fails, as for a secret that does not exist yet. With $REAL_KUBECTL set,
# `kubectl create ... --dry-run=client` runs the real kubectl (offline) and only the
# `apply` that would reach a cluster is recorded.
STAND_IN = r"""#!/bin/sh
rec="$STANDIN_DIR/calls"
n=1
while ! mkdir "$rec/$n" 2>/dev/null; do n=$((n + 1)); done
tool=$(basename "$0")
printf '%s' "$tool" > "$rec/$n/tool"
for a in "$@"; do printf '%s\0' "$a"; done > "$rec/$n/argv"
if [ "$tool" = kubectl ] && [ "$1" = create ] && [ -n "$REAL_KUBECTL" ]; then
  exec "$REAL_KUBECTL" "$@"
fi
for a in "$@"; do
  case "$a" in -|*/dev/stdin|*=/dev/stdin|--data-file=-|password=-) cat > "$rec/$n/stdin"; break ;; esac
done
case "$*" in *describe*) exit 1 ;; esac
exit 0
"""


@dataclass
class Call:
    tool: str
    argv: list[str]
    stdin: bytes | None


def run(shell: str, script: str, typed: str, real_kubectl: str | None = None) -> list[Call]:
    """Runs `script` with `typed` as what the user types at its prompts."""
    with tempfile.TemporaryDirectory(prefix="dbx-check-stand-in-") as tmp:
        root = Path(tmp)
        bin_dir, calls = root / "bin", root / "calls"
        bin_dir.mkdir()
        calls.mkdir()
        stand_in = bin_dir / "stand-in"
        stand_in.write_text(STAND_IN)
        stand_in.chmod(0o755)
        for tool in TOOLS:
            (bin_dir / tool).symlink_to(stand_in)
        typed_file = root / "typed"
        typed_file.write_text(typed, encoding="utf-8")
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "STANDIN_DIR": str(root)}
        if real_kubectl:
            env["REAL_KUBECTL"] = real_kubectl
        with typed_file.open("rb") as stdin:
            done = subprocess.run([shell, "-c", script], stdin=stdin, env=env, capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
        found = []
        for entry in sorted(calls.iterdir(), key=lambda p: int(p.name)):
            argv = (entry / "argv").read_bytes().split(b"\0")[:-1]
            stdin_file = entry / "stdin"
            found.append(
                Call(
                    tool=(entry / "tool").read_text(),
                    argv=[w.decode("utf-8") for w in argv],
                    stdin=stdin_file.read_bytes() if stdin_file.exists() else None,
                )
            )
        return found
