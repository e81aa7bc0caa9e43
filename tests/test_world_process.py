"""`--world` serves the world from a process of its own, which ends with the crawl, even a killed one."""

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fakegov.errors import UserError
from fakegov.network import open_network

ROOT = Path(__file__).resolve().parent.parent
WORLD = ROOT / "fixtures" / "world"


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_the_world_answers_and_stops_with_its_user():
    with open_network(WORLD) as network:
        port = int(network.proxy.rsplit(":", 1)[1])
        assert listening(port) and network.dns and network.whois and Path(network.ca_cert).exists()
    assert not listening(port)


def test_a_killed_user_takes_the_world_with_it():
    script = ("import os, signal\nfrom fakegov.network import open_network\n"
              f"with open_network({str(WORLD)!r}) as network:\n"
              "    print(network.proxy, flush=True)\n"
              "    os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == -signal.SIGKILL
    port = int(done.stdout.strip().rsplit(":", 1)[1])
    deadline = time.monotonic() + 10
    while listening(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not listening(port)


def test_a_broken_world_is_a_one_line_error(tmp_path):
    (tmp_path / "hosts" / "bad.example").mkdir(parents=True)
    (tmp_path / "hosts" / "bad.example" / "host.toml").write_text("state = 'sleepy'\n", encoding="utf-8")
    with pytest.raises(UserError, match="host.toml"):
        with open_network(tmp_path):
            pass
