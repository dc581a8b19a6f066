"""A real PostgreSQL server for the tests, from Debian's packages (`.ci/run` installs them):
a throwaway cluster on a free loopback port, trust auth, no Unix socket, fsync off.

PostgreSQL refuses to run as root, so under root (CI) the cluster belongs to the `postgres`
user the package creates.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

USER = "careerbot"


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's bin folder; fails saying what to install."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parent.parent.name
    )
    if not found:
        pytest.fail("PostgreSQL is not installed: apt-get install postgresql (as .ci/run does)")
    return found[-1].parent


@contextmanager
def postgres_server(port: int) -> Iterator[str]:
    """A PostgreSQL cluster on loopback ``port`` for the block; yields its admin URL
    (``postgresql://careerbot@127.0.0.1:<port>/postgres``)."""
    bindir = postgres_bin()
    root = Path(tempfile.mkdtemp(prefix="careerbot-pg-"))
    data, log = root / "data", root / "server.log"
    as_user: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    options = f"-h 127.0.0.1 -p {port} -k '' -F -c fsync=off -c full_page_writes=off"

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", USER, "--no-sync")
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        try:
            yield f"postgresql://{USER}@127.0.0.1:{port}/postgres"
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(admin_url: str, name: str) -> str:
    """Create the empty database ``name`` on the server; its SQLAlchemy URL (psycopg 3)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return (
        admin_url.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0] + f"/{name}"
    )
