"""Backups: the whole database as Parquet files, and a new database from them."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from .base import Connection, _is_file_path

if TYPE_CHECKING:
    from . import Store


class Backups(Connection):
    """Export and restore whole databases."""

    # -- backups -----------------------------------------------------------------------------------
    def backup(self, directory: str | os.PathLike) -> Path:
        """Export the whole database (schema and every table, as Parquet) into a new directory."""
        target = Path(directory)
        if target.exists() and any(target.iterdir()):
            raise FileExistsError(f"{target} is not empty")
        # EXPORT DATABASE takes no bound parameter: the path is written as an escaped literal.
        literal = str(target).replace("'", "''")
        self.cursor().execute(f"EXPORT DATABASE '{literal}' (FORMAT parquet)")
        return target

    @staticmethod
    def restore_backup(directory: str | os.PathLike, path: str | os.PathLike) -> Store:
        """A new database at ``path`` holding a backup made by :meth:`backup`."""
        if _is_file_path(str(path)) and Path(path).exists():
            raise FileExistsError(f"{path} exists; restore into a new file")
        con = duckdb.connect(str(path))
        literal = str(Path(directory)).replace("'", "''")
        con.execute(f"IMPORT DATABASE '{literal}'")
        con.close()
        from . import Store  # the assembled class; this module is one of its parts

        return Store(str(path))
