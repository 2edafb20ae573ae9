"""About & sources: what the atlas is, its source documents, counts, how to cite, licence."""
import datetime

import streamlit as st

from pages import _ui

_ui.ensure_app()

store = _ui.store()
st.title(_ui.tr("about.title"))
st.markdown(_ui.tr("about.intro"))

counts = store.public_counts()  # published records only: drafts are not counted for visitors
cols = st.columns(4)
for col, table in zip(cols, ("actors", "relations", "projects", "events")):
    col.metric(_ui.tr(f"about.count.{table}"), counts[table])

st.subheader(_ui.tr("about.sources"))
sources = store.sources().fillna("")
# Never the internal id; a link column only when some source has a link.
shown = [c for c in ("title", "publisher", "date", "citations", "language", "reference", "url")
         if c != "url" or sources["url"].astype(bool).any()]
st.dataframe(sources[shown], hide_index=True, key="sources", column_order=shown,
             column_config={c: _ui.tr(f"about.col.{c}") for c in shown}
             | {"url": st.column_config.LinkColumn(_ui.tr("about.col.url"))})
st.caption(_ui.tr("about.evidence"))

st.subheader(_ui.tr("about.cite"))
st.code(_ui.tr("about.citation", year=datetime.date.today().year, version=store.data_version()), language=None, wrap_lines=True)
st.subheader(_ui.tr("about.licence"))
st.markdown(_ui.tr("about.licence_text", licence=store.setting("data_licence")))
