"""The atlas as an ASGI app: Streamlit runs ``app.py`` and this file adds the one route of the
atlas's own, ``/_atlas/session``, which sets or clears the curator's sign-in cookie (see
:mod:`mapping.sessions`). ``streamlit run serve.py`` (``make run``) finds ``app`` below; any ASGI
server can serve it too (``uvicorn serve:app``)."""
from __future__ import annotations

import streamlit as st
from starlette.routing import Route

from mapping.sessions import session_route

app = st.App("app.py", routes=[Route("/_atlas/session", session_route, methods=["POST", "DELETE"])])
