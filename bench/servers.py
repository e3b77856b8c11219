"""Servers for the benchmarks: uvicorn processes on 127.0.0.1, and CPU readings from /proc."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import platform
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
READY_TIMEOUT = 60.0
#: The last line of a logged traceback: ``module.SomeError: message``.
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Timeout)\w*: ")


def process_cpu(pid: int) -> float:
    """Return the CPU seconds (user + system, every thread) a process has used."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """Return (busy, total) CPU ticks of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    total = sum(values[:8])
    return total - values[3] - values[4], total


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def server_options() -> list[str]:
    """Return uvicorn's options: one worker, no access log, uvloop/httptools if installed."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return ["--no-access-log", "--log-level", "warning", "--loop", loop, "--http", http]


class Server:
    """A uvicorn process on 127.0.0.1, stopped with SIGTERM (then SIGKILL) by ``stop``."""

    def __init__(self, name: str, app: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log_path = workdir / f"{name}.log"
        self.argv = [
            sys.executable,
            "-m",
            "uvicorn",
            *app,
            "--app-dir",
            str(BENCH_DIR),
            "--host",
            HOST,
            "--port",
            str(self.port),
            *server_options(),
        ]
        self._env = env
        self._workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, ready_path: str) -> None:
        """Start the server and wait until ``ready_path`` answers 200."""
        import httpx2

        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                self.argv,
                cwd=self._workdir,
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the benchmark, which stops us in order
            )
        limit = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < limit:
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start:\n{self.log_tail()}")
            with contextlib.suppress(httpx2.HTTPError):
                if httpx2.get(self.url + ready_path, timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within {READY_TIMEOUT:.0f} s")

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL after 15 s."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        started = time.monotonic()
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            print(f"{self.name} did not stop within 15 s of SIGTERM: killed")
            process.kill()
            process.wait(timeout=5)
        else:
            if time.monotonic() - started > 2:
                print(f"{self.name} took {time.monotonic() - started:.1f} s to stop")

    def log_tail(self, lines: int = 30) -> str:
        """Return the end of the server's output."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def problems(self) -> Counter[str]:
        """Count the server's logged errors and warnings, and the exceptions that ended them."""
        found: Counter[str] = Counter()
        if not self.log_path.exists():
            return found
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith(("ERROR:", "WARNING:", "CRITICAL:")):
                found[line[:120]] += 1
            elif EXCEPTION_LINE.match(line):
                found["  " + line[:150]] += 1
        return found
