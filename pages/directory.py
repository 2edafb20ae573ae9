"""Directory: every actor matching the shared filters, counts, a table sorted and paged on the
server (one page of rows is sent, whatever the size of the atlas), open a file, exports."""
import math

import streamlit as st

from mapping import present
from mapping.model import ACTOR_KINDS, COUNTRIES
from pages import _errors, _ui

_ui.ensure_app()

PAGE_SIZES = (25, 50, 100, 200)
COLUMNS = ["name", "acronym", "kind", "city", "region", "country", "themes"]

lang = _ui.lang()
filters = _ui.current_filters()
key = _ui.data_key()

st.title(_ui.tr("directory.title"))
sort_box, order_box, size_box, page_box = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
sorts = {c: _ui.tr(f"col.{c}") for c in _ui.store().SORTABLE}  # labels now: format_func may run outside
sort = sort_box.selectbox(_ui.tr("directory.sort"), list(sorts), key="dir_sort", format_func=sorts.get)
descending = order_box.toggle(_ui.tr("directory.descending"), key="dir_desc")
size = size_box.selectbox(_ui.tr("directory.page_size"), PAGE_SIZES, index=1, key="dir_size")
# A new search, filter or order starts again from the first page.
view = (filters, sort, descending, size)
if st.session_state.get("_dir_view") != view:
    st.session_state["_dir_view"] = view
    st.session_state["dir_page"] = 1
page_no = int(st.session_state.get("dir_page") or 1)
table, total = _ui.directory_page(key, filters, sort, descending, page_no - 1, size, lang)
pages = max(1, math.ceil(total / size))
if page_no > pages:  # the data shrank under this session: show its last page
    st.session_state["dir_page"] = page_no = pages
    table, total = _ui.directory_page(key, filters, sort, descending, page_no - 1, size, lang)
page_box.number_input(_ui.tr("directory.page", n=pages), min_value=1, max_value=pages, step=1, key="dir_page")
st.subheader(_ui.tr("directory.count", n=total))

if total == 0:
    st.info(_ui.tr("directory.empty"))
    _errors.end_page()

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

first = (page_no - 1) * size
st.caption(_ui.tr("directory.showing", first=first + 1, last=first + len(table), n=total) + " · "
           + _ui.tr("directory.open_hint"))
event = st.dataframe(
    table, hide_index=True, on_select="rerun", selection_mode="single-row", key="directory_table",
    column_order=COLUMNS, column_config={c: _ui.tr(f"col.{c}") for c in COLUMNS},
)
rows = event.selection.rows if event is not None else []
if rows:
    st.switch_page("pages/actor.py", query_params={"actor": table.iloc[rows[0]]["id"], "lang": lang})

# Exports of the whole selection (formula-like cells neutralised, labels in the session's language),
# built only when clicked and then shared by every session until the data changes: a visit that
# downloads nothing costs nothing. "ignore": a download does not rerun the page, so a second quick
# click still gets its file.
formats = (("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           ("geojson", "application/geo+json"), ("hxl", "text/csv"))
for column, (fmt, mime) in zip(st.columns(len(formats)), formats):
    column.download_button(_ui.tr(f"directory.download.{fmt}"), lambda fmt=fmt: _ui.export_file(key, filters, fmt, lang),
                           mime=mime, file_name=f"atlas-actors.{'hxl.csv' if fmt == 'hxl' else fmt}", on_click="ignore",
                           key="download_directory" if fmt == "csv" else f"download_{fmt}")
