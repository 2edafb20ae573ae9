"""Failures shown as short messages, never as tracebacks: a page that fails leaves the sidebar and
every other page working, and a record that cannot be displayed is named by its id. The details
go to the server log under an error id the message quotes, so a user's report can be matched."""
from __future__ import annotations

import logging
import secrets
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import streamlit as st

from mapping.store import Busy, NoSnapshot
from pages._ui import escape, stop_busy, tr

log = logging.getLogger("atlas")
#: The latest failures of this process, (error id, where, traceback): the tests' conftest fails
#: any test during which a page reported one it did not expect.
RECENT: deque[tuple[str, str, str]] = deque(maxlen=50)


def _report(where: str) -> str:
    """Log the exception being handled under a fresh id; return the id."""
    error_id = secrets.token_hex(4)
    log.exception("error %s in %s", error_id, where)
    RECENT.append((error_id, where, traceback.format_exc()))
    return error_id


class PageEnd(Exception):
    """Raised by :func:`end_page`: the page has said all it has to say."""


def end_page() -> NoReturn:
    """End the page here, as ``st.stop()`` would, but let the app draw what comes after every page
    (presenter mode's title bar, the tour bar): after ``st.stop()`` nothing more is drawn, so a page
    that stopped early (Find partners before a choice) showed the sidebar in presenter mode."""
    raise PageEnd


def run_page(run: Callable[[], None], where: str, message: str = "error.page") -> None:
    """Run a page (or a part of the app); if it fails, say so with an error id. Script stops and
    reruns pass through: they are not exceptions; :func:`end_page` ends the page quietly."""
    try:
        run()
    except PageEnd:
        pass
    except (Busy, NoSnapshot) as exc:  # not a failure: one line says the database is busy, the run ends
        stop_busy(exc)
    except Exception:  # noqa: BLE001  any failure of one page must not take the app down
        st.error(tr(message, id=_report(where)))


@contextmanager
def record(record_id: str) -> Iterator[None]:
    """Around the display of one record: if it fails, show "could not display this record" with
    its id instead of a traceback."""
    try:
        yield
    except Exception:  # noqa: BLE001
        st.warning(tr("error.record", record=escape(record_id), id=_report(f"record {record_id}")))
