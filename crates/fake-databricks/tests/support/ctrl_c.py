"""Pastes a terminal block into an interactive shell on a pseudo-terminal, presses Ctrl-C
at its secret prompt, then types one more command. Prints everything the terminal showed,
then a last line `PROMPTED=<bool> AFTER=<bool>`. Usage: ctrl_c.py SHELL BLOCK.
Every wait is bounded; the shell is killed at the end whatever happened."""
import os
import pty
import select
import signal
import sys
import time

shell, block = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    # A terminal's shell starts with Ctrl-C's signal at its default; a test runner started
    # in the background may have it ignored, which a shell cannot undo for its children.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    os.environ["PS1"] = "$ "
    # No start-up files: the user's own settings must not change what is tested.
    args = [shell, "--norc", "-i"] if shell == "bash" else [shell, "-f", "-i"]
    os.execvp(shell, args)

seen = b""


def read_for(seconds):
    global seen
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                return


def wait_for(text, seconds=10):
    end = time.time() + seconds
    while time.time() < end and text.encode() not in seen:
        read_for(0.1)
    return text.encode() in seen


try:
    read_for(1)
    os.write(fd, block.encode() + b"\n")
    prompted = wait_for("token: ")
    os.write(fd, b"\x03")
    read_for(1)
    os.write(fd, b"echo after-$((20+22))\n")
    after = wait_for("after-42")
    os.write(fd, b"exit\n")
    read_for(0.5)
finally:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
sys.stdout.write(seen.decode(errors="replace"))
print("\nPROMPTED=%s AFTER=%s" % (prompted, after))
