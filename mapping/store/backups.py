"""Backups: the whole database as Parquet files, and a new database from them.

A backup holds password hashes and private contacts: its directory is readable by its owner
only (0700, files 0600). For a local file it is made from a private copy taken under the
database lock (:func:`.snapshots.private_copy`), so a serving app waits only for a file copy.
A restore checks the backup completely — every statement it would run, every file it would
read, loaded into a scratch database — before it writes anything where it was asked to.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from ..errors import UserError
from .base import Connection, _connect, _is_file_path, _literal

if TYPE_CHECKING:
    from . import Store

#: Tables a backup of the atlas must have.
REQUIRED_TABLES = ("schema_version", "settings", "actors", "changes", "users")

_LOAD_LINE = re.compile(r"""^COPY ("?)(\w+)\1 FROM '([^']+)' \(FORMAT '?parquet'?\);$""", re.I)
_SCHEMA_STATEMENT = re.compile(r"^CREATE (TABLE|SEQUENCE|UNIQUE INDEX|INDEX|VIEW|MACRO) ", re.I)


class BadBackup(UserError, ValueError):
    """The directory is not a complete backup of an atlas; nothing was written."""


def _lock_down(folder: Path) -> None:
    os.chmod(folder, 0o700)
    for item in folder.iterdir():
        os.chmod(item, 0o600)


def _plan(directory: Path) -> tuple[list[str], list[tuple[str, Path]]]:
    """The schema statements and (table, Parquet file) loads of a backup, checked."""
    schema_file, load_file = directory / "schema.sql", directory / "load.sql"
    if not directory.is_dir() or not schema_file.is_file() or not load_file.is_file():
        raise BadBackup(f"{directory} is not a backup (no schema.sql and load.sql)")
    statements = [s.strip() for s in schema_file.read_text(encoding="utf-8").split(";\n") if s.strip()]
    for statement in statements:
        if not _SCHEMA_STATEMENT.match(statement):
            raise BadBackup(f"{schema_file} holds a statement a backup never has: {statement[:60]!r}")
    loads = []
    for line in filter(None, (ln.strip() for ln in load_file.read_text(encoding="utf-8").splitlines())):
        found = _LOAD_LINE.match(line)
        if not found:
            raise BadBackup(f"{load_file} holds a line a backup never has: {line[:60]!r}")
        # Only the file name counts: the backup may have been moved since it was written.
        data = directory / Path(found.group(3)).name
        if not data.is_file():
            raise BadBackup(f"{directory} lacks {data.name}")
        loads.append((found.group(2), data))
    tables = {t for t, _ in loads}
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise BadBackup(f"{directory} lacks the tables {', '.join(missing)}")
    return [s if s.endswith(";") else s + ";" for s in statements], loads


def _load(con: duckdb.DuckDBPyConnection, statements: list[str], loads: list[tuple[str, Path]]) -> None:
    for statement in statements:
        con.execute(statement)
    for table, data in loads:  # table names matched \w+ above
        con.execute(f'COPY "{table}" FROM {_literal(data)} (FORMAT parquet)')


class Backups(Connection):
    """Export and restore whole databases."""

    def backup(self, directory: str | os.PathLike) -> Path:
        """Export the whole database (schema and every table, as Parquet) into a new directory
        only its owner can read."""
        target = Path(directory)
        if target.exists() and any(target.iterdir()):
            raise FileExistsError(f"{target} is not empty")
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(target, 0o700)
        if self.is_file and not self.read_only and not self.edits_off:
            from .snapshots import private_copy

            copy = private_copy(self.path)
            try:
                con = duckdb.connect(str(copy))
                try:
                    con.execute(f"EXPORT DATABASE {_literal(target)} (FORMAT parquet)")
                finally:
                    con.close()
            finally:
                shutil.rmtree(copy.parent, ignore_errors=True)
        else:
            with self.unit() as cur:
                cur.execute(f"EXPORT DATABASE {_literal(target)} (FORMAT parquet)")
        _lock_down(target)
        return target

    @staticmethod
    def check_backup(directory: str | os.PathLike) -> dict[str, int]:
        """Load a backup into a scratch in-memory database and return its row counts; raise
        :class:`BadBackup` with the reason if it is not a complete, loadable backup."""
        statements, loads = _plan(Path(directory))
        con = duckdb.connect(":memory:")
        try:
            _load(con, statements, loads)
            return {t: int(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])  # type: ignore[index]
                    for t, _ in loads}
        except duckdb.Error as exc:
            raise BadBackup(f"{directory} does not load: {str(exc).splitlines()[0]}") from None
        finally:
            con.close()

    @staticmethod
    def restore_backup(directory: str | os.PathLike, path: str | os.PathLike) -> Store:
        """A new database at ``path`` holding a backup made by :meth:`backup`, checked first
        (:meth:`check_backup`); a local file appears only once complete."""
        from . import Store  # the assembled class; this module is one of its parts

        path = str(path)
        if _is_file_path(path) and Path(path).exists():
            raise FileExistsError(f"{path} exists; restore into a new file")
        Backups.check_backup(directory)
        statements, loads = _plan(Path(directory))
        if not _is_file_path(path):
            con = _connect(path)
            try:
                _load(con, statements, loads)
            finally:
                con.close()
            return Store(path)
        scratch = Path(path).with_name(f".{Path(path).name}.restoring")
        scratch.unlink(missing_ok=True)
        con = duckdb.connect(str(scratch))
        try:
            _load(con, statements, loads)
        except BaseException:
            con.close()
            scratch.unlink(missing_ok=True)
            raise
        con.close()
        os.replace(scratch, path)
        return Store(path)
