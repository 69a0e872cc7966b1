"""A throwaway PostgreSQL cluster for the tests and the county benchmark: initdb into a temporary folder, a
server listening only on a Unix socket in that folder (no TCP port, fsync off), one fresh database per test.

As root (CI), initdb refuses to run, so the server runs as the `postgres` user that Debian's package creates.
HOUFU_TEST_PG=<SQLAlchemy URL> uses an existing server instead (its databases are created beside the URL's).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ENV_URL = "HOUFU_TEST_PG"


def server_binaries() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (the newest version), or None when none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


class Cluster:
    """A running server: admin_url (a database to run CREATE DATABASE from) and fresh databases on demand."""

    def __init__(self, admin_url: str, stop=None) -> None:
        self.admin_url = admin_url
        self._stop = stop

    def url_for(self, name: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))

    def _admin(self):
        import psycopg

        return psycopg.connect(self.admin_url.replace("postgresql+psycopg://", "postgresql://", 1),
                               autocommit=True)

    def create_database(self, prefix: str = "houfu_test") -> str:
        """A new, empty database; returns its SQLAlchemy URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with self._admin() as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)

    def drop_database(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        with self._admin() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def start_cluster(*, durable: bool = False) -> Cluster:
    """The server of HOUFU_TEST_PG, else a new throwaway cluster. RuntimeError saying why when neither can be had.
    The tests' cluster skips fsync; durable=True (the benchmark) keeps the server's defaults."""
    if os.environ.get(ENV_URL):
        return Cluster(os.environ[ENV_URL])
    bindir = server_binaries()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server programs (Debian: apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="houfu-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(root, ignore_errors=True)
            raise RuntimeError("running as root and there is no `postgres` user to run the server") from None
        for p in (root, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)
    log = root / "server.log"

    def run(cmd: list[str]) -> None:
        # From "/": the tests' own working directory may be a temporary folder already removed, or one the
        # postgres user may not enter, and initdb refuses to start without a current directory.
        done = subprocess.run(_as_postgres(cmd), capture_output=True, text=True, timeout=120, cwd="/")
        if done.returncode != 0:
            raise RuntimeError(f"{Path(cmd[0]).name} failed: {(done.stderr or done.stdout).strip()[-500:]}")

    try:
        run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync"])
        fast = "" if durable else " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "start", "-o",
             f"-k {sock} -c listen_addresses=''{fast}"])
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise

    def stop() -> None:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True, timeout=60, cwd="/")
        shutil.rmtree(root, ignore_errors=True)

    return Cluster(f"postgresql+psycopg://postgres@/postgres?host={sock}", stop)
