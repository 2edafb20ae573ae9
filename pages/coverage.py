"""Who does what where: themes (or target groups) × regions of one country, with the actors behind
each cell, gaps and overlaps marked, and one row's coverage shaded on a map (mapping/coverage.py)."""
import streamlit as st

from mapping import coverage, geo, maps
from mapping.filters import Filters
from mapping.model import COUNTRIES, FOCUS_COUNTRIES, label
from pages import _ui, _views

_ui.ensure_app()

lang = _ui.lang()
key = _ui.data_key()
filters = _ui.current_filters()
tr = _ui.tr


@st.cache_data(show_spinner=False, max_entries=32)
def cells(key: tuple[str, int], filters: Filters, by: str, country: str):
    store = _ui.store()
    actors = store.actors(filters, columns=("id", "region_code", "themes", "target_groups"))
    areas = store.areas_of_operation(actors["id"].tolist())
    return coverage.cells(actors, areas, by=by, regions=coverage.country_regions(country))


@_ui.guarded
def open_filtered(code: str, region: str, by: str) -> None:
    """Button callback (runs before the next run, so the sidebar widgets may still change): the
    cell's theme or target group and region become the shared filters, the others stay."""
    st.session_state["f_themes" if by == "themes" else "f_target_groups"] = [code]
    st.session_state["f_regions"] = [region]
    st.session_state["f_countries"] = [c for c in st.session_state.get("f_countries") or [] if c == region[:2]]


st.title(tr("coverage.title"))
st.caption(tr("coverage.intro"))
_ui.url_in("coverage")
if "cov_country" not in st.session_state:
    st.session_state["cov_country"] = next((c for c in filters.countries if c in FOCUS_COUNTRIES), "MA")
st.session_state.setdefault("cov_by", "themes")
left, right = st.columns([1, 2])
country = left.selectbox(tr("coverage.country"), FOCUS_COUNTRIES, key="cov_country",
                         format_func=lambda c: label(COUNTRIES, c, lang))
by = right.segmented_control(tr("coverage.by"), list(coverage.AXES), key="cov_by",
                             format_func=lambda a: tr(f"coverage.by.{a}")) or "themes"

cov = cells(key, filters, by, country)
counts = coverage.summary(cov)
regions = list(dict.fromkeys(cov["region_code"]))
shown = coverage.table(cov, by=by, lang=lang)
m1, m2, m3 = st.columns(3)
m1.metric(tr("coverage.cells"), counts["cells"])
m2.metric(tr("coverage.gaps"), counts["gaps"], help=tr("coverage.gaps_help"))
m3.metric(tr("coverage.overlaps"), counts["overlaps"], help=tr("coverage.overlaps_help", n=coverage.OVERLAP))
st.caption(tr("coverage.legend", n=coverage.OVERLAP) + ("" if filters.is_empty() else " " + tr("coverage.filtered")))

config = {"code": None, "label": st.column_config.TextColumn(tr(f"coverage.by.{by}"), pinned=True),
          "total": st.column_config.NumberColumn(tr("coverage.total"), help=tr("coverage.total_help"))}
config |= {r: st.column_config.Column(coverage.region_label(r, lang), help=coverage.region_label(r, lang))
           for r in regions}
event = st.dataframe(coverage.styles(shown, regions), hide_index=True, key="coverage_table", on_select="rerun",
                     selection_mode="single-cell", column_config=config)
picked = event.selection.cells if event is not None else []
cell = None
if picked and picked[0][1] in regions:
    cell = (shown.iloc[picked[0][0]]["code"], picked[0][1])
    st.session_state["cov_code"] = cell[0]
_ui.url_out("coverage")

if cell is None:
    st.info(tr("coverage.pick"))
else:
    code, region = cell
    what, where_ = label(coverage.AXES[by], code, lang), coverage.region_label(region, lang)
    ids = cov.set_index(["code", "region_code"]).loc[(code, region), "actors"]
    with st.container(border=True, key="coverage_cell"):
        st.subheader(tr("coverage.cell", what=what, region=where_, n=len(ids)), anchor=False)
        if not ids:
            st.warning(tr("coverage.cell_gap", what=what, region=where_))
        names = _ui.store().actor_names(list(ids))
        for actor_id in sorted(ids, key=lambda i: names.get(i, i).lower()):
            st.page_link("pages/actor.py", label=names.get(actor_id, actor_id),
                         query_params={"actor": actor_id, "lang": lang})
        b1, b2, _ = st.columns([1, 1, 2])
        if b1.button(tr("coverage.open_directory"), key="coverage_directory", on_click=open_filtered,
                     args=(code, region, by)):
            st.switch_page("pages/directory.py")
        if b2.button(tr("coverage.open_map"), key="coverage_map", on_click=open_filtered, args=(code, region, by)):
            st.switch_page("pages/map.py")

overlap_lines = coverage.overlaps(cov, by=by, lang=lang)
if overlap_lines:
    with st.expander(tr("coverage.overlap_list", n=len(overlap_lines))):
        st.markdown("\n".join(f"- {_ui.escape(line)}" for line in overlap_lines))

st.subheader(tr("coverage.map"), anchor=False)
codes = shown["code"].tolist()
_ui.keep_if_in("cov_code", codes)
if "cov_code" not in st.session_state:
    st.session_state["cov_code"] = shown.sort_values("total", ascending=False)["code"].iloc[0]
code = st.selectbox(tr(f"coverage.by.{by}"), codes, key="cov_code",
                    format_func=lambda c: label(coverage.AXES[by], c, lang))
_ui.url_out("coverage")
metric = tr("coverage.map_metric", what=label(coverage.AXES[by], code, lang))
counts = coverage.theme_counts(cov, code)
_views.show_map(_views.folium_map(
    (key, filters, country, by, code, lang), f"coverage_map_{country}_{by}_{code}", 460, (),
    lambda: maps.offline(maps.explore_regions(counts, maps.base_map(geo.bounds(country), lang=lang),
                                              metric=metric, lang=lang))))
st.caption(tr("coverage.map_caption"))
