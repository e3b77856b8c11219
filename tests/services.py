"""PostgreSQL and Redis for the suite: the machine's own, or throwaway ones started here.

The suite first tries the addresses of ``AGORA_TEST_POSTGRES_URL`` and
``AGORA_TEST_REDIS_URL`` (127.0.0.1:5432 and :6379 by default). When nothing answers there,
it starts its own server from Debian's packages (``make test-services`` installs them):
a PostgreSQL cluster made by ``initdb`` in a temporary folder with trust authentication,
and a ``redis-server`` that keeps nothing on disk, each on a free port of 127.0.0.1, and
stops them at the end of the run. PostgreSQL refuses to run as root, so as root the
cluster belongs to the ``postgres`` user that Debian's package creates (pytest-postgresql
cannot do that: it runs ``pg_ctl`` as the current user, and CI runs as root).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

#: How long a throwaway server may take to accept connections.
START_TIMEOUT = 30.0


def postgres_answers(url: str) -> bool:
    """Tell whether the PostgreSQL server of ``url`` accepts a connection."""
    engine = create_engine(make_url(url), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # unreachable, refused, no such role: start one of our own
        return False
    finally:
        engine.dispose()
    return True


def redis_answers(url: str) -> bool:
    """Tell whether the Redis server of ``url`` answers a PING."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"{name} not found: run `make test-services` (Debian's postgresql)")
    return found[-1]


def _wait(check: object, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise RuntimeError(f"the throwaway {what} did not start within {START_TIMEOUT:.0f} s")


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Run a PostgreSQL cluster of its own for the duration; yield its admin URL."""
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="agora-postgres-"))
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    if as_root:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    subprocess.run(
        [*prefix, _postgres_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [*prefix, _postgres_bin("pg_ctl"), "-D", str(data)]
    subprocess.run(
        [*pg_ctl, "-o", options, "-l", str(folder / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    try:
        _wait(lambda: postgres_answers(url), "PostgreSQL")
        yield url
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def throwaway_redis() -> Iterator[str]:
    """Run a Redis server of its own (nothing kept on disk); yield its URL."""
    executable = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(executable).exists():
        raise RuntimeError("redis-server not found: run `make test-services` (Debian's redis)")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="agora-redis-")
    options = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(
        [executable, *options, "--dir", folder],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait(lambda: redis_answers(url), "Redis")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
