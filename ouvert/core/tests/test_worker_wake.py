"""The embedded worker survives a wake signal sent before it is ready to take it."""

import os
import subprocess
import sys
import time

from ouvert.core import worker_wake


def test_a_wake_signal_before_the_handler_is_installed_does_not_kill_the_worker():
    # a child as slow to start as a worker importing Django on a busy machine: the signal comes first
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3)"],  # noqa: S603
                             preexec_fn=worker_wake.ignore_until_installed)  # noqa: PLW1509
    try:
        time.sleep(0.3)
        os.kill(child.pid, worker_wake.WAKE_SIGNAL)
        time.sleep(0.3)
        assert child.poll() is None
    finally:
        child.terminate()
        child.wait(timeout=10)
    unprotected = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3)"])  # noqa: S603
    time.sleep(0.3)
    os.kill(unprotected.pid, worker_wake.WAKE_SIGNAL)
    assert unprotected.wait(timeout=10) == -worker_wake.WAKE_SIGNAL  # what happened to the worker before
