"""Directory: every actor matching the shared filters, counts, a sortable table, open a file."""
import streamlit as st

from mapping import exporters, present
from mapping.model import ACTOR_KINDS, COUNTRIES
from pages import _ui

_ui.ensure_app()

lang = _ui.lang()
filters = _ui.current_filters()
key = _ui.data_key()

st.title(_ui.tr("directory.title"))
actors = _ui.actors(key, filters)
st.subheader(_ui.tr("directory.count", n=len(actors)))

if actors.empty:
    st.info(_ui.tr("directory.empty"))
    st.stop()

by_country, by_kind = st.columns(2)
with by_country:
    st.caption(_ui.tr("directory.by_country"))
    st.dataframe(present.counts_table(_ui.facet(key, "country", filters), COUNTRIES, lang),
                 hide_index=True, column_config={"label": _ui.tr("col.country"), "n": _ui.tr("col.count")},
                 key="by_country")
with by_kind:
    st.caption(_ui.tr("directory.by_kind"))
    st.dataframe(present.counts_table(_ui.facet(key, "kind", filters), ACTOR_KINDS, lang),
                 hide_index=True, column_config={"label": _ui.tr("col.kind"), "n": _ui.tr("col.count")},
                 key="by_kind")

table = present.directory_table(actors, lang)
st.caption(_ui.tr("directory.open_hint"))
event = st.dataframe(
    table, hide_index=True, on_select="rerun", selection_mode="single-row", key="directory_table",
    column_order=["name", "acronym", "kind", "city", "region", "country", "themes"],
    column_config={c: _ui.tr(f"col.{c}") for c in ["name", "acronym", "kind", "city", "region", "country", "themes"]},
)
rows = event.selection.rows if event is not None else []
if rows:
    st.switch_page("pages/actor.py", query_params={"actor": table.iloc[rows[0]]["id"], "lang": lang})

# Exports of the current selection; cells that a spreadsheet would run as formulas are neutralised.
full = _ui.export_actors(key, filters)
formats = (("csv", exporters.to_csv, "text/csv"),
           ("xlsx", exporters.to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           ("geojson", exporters.to_geojson, "application/geo+json"), ("hxl", exporters.to_hxl, "text/csv"))
for column, (fmt, writer, mime) in zip(st.columns(len(formats)), formats):
    column.download_button(_ui.tr(f"directory.download.{fmt}"), writer(full), mime=mime,
                           file_name=f"atlas-actors.{'hxl.csv' if fmt == 'hxl' else fmt}",
                           key="download_directory" if fmt == "csv" else f"download_{fmt}")
