"""The data layer: the only package of the atlas that speaks SQL.

One :class:`Store` opens the DuckDB database for each unit of work (see
:class:`.base.Connection`). It creates and migrates the schema (``schema.sql``) — seeding is
:func:`mapping.seed.init_database`'s job — answers every query the pages need and runs every
write in a transaction. Values are always bound as parameters; the only strings
composed into SQL are fixed fragments chosen by this package.

The database path comes from the ``ATLAS_DB`` environment variable, else
``data/atlas.duckdb``. Any DuckDB path works, including ``:memory:`` and ``md:`` URLs.

One module per concern, each a part of :class:`Store`:

- :mod:`.base` — connection, migrations, settings, shared row and audit-log helpers
- :mod:`.reads` — public reads (directory, organisation file, network, map, statistics)
- :mod:`.writes` — audited, versioned writes; history, undo and restore; participants
- :mod:`.accounts` — curator accounts
- :mod:`.imports` — applying import plans
- :mod:`.merges` — duplicates and merges
- :mod:`.tours` — presenter tours
- :mod:`.backups` — backups and restores
- :mod:`.locks` — the cross-process database lock and the "being served" mark
- :mod:`.snapshots` — public snapshots published after every write, read by viewers
"""
from __future__ import annotations

from duckdb import Error as DatabaseError  # what DuckDB raises, for callers that must not import it

from .accounts import Accounts
from .backups import Backups, BadBackup
from .base import (
    DEFAULT_DB,
    EXPORT_COLUMNS,
    LIST_COLUMNS,
    PRIVATE_COLUMNS,
    ROOT,
    SCHEMA_FILE,
    Conflict,
    Connection,
    ParticipantConflict,
    ReadOnly,
    default_path,
    schema_blocks,
)
from .imports import Imports
from .locks import Busy
from .merges import Merges
from .reads import PublicReads
from .snapshots import NoSnapshot
from .tours import Tours
from .writes import AuditedWrites

__all__ = [
    "BadBackup",
    "Busy",
    "Conflict",
    "DEFAULT_DB",
    "DatabaseError",
    "EXPORT_COLUMNS",
    "LIST_COLUMNS",
    "NoSnapshot",
    "PRIVATE_COLUMNS",
    "ParticipantConflict",
    "ROOT",
    "ReadOnly",
    "SCHEMA_FILE",
    "Store",
    "default_path",
    "schema_blocks",
]


class Store(PublicReads, AuditedWrites, Accounts, Imports, Merges, Tours, Backups, Connection):
    """Owns one DuckDB connection and every query of the atlas (see the modules above);
    its parameters are :class:`.base.Connection`'s."""
