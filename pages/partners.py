"""Find partners: given an organisation, or a place and themes, who could work with it and how to
reach them (ranking and reasons in mapping/partners.py)."""
import streamlit as st

from mapping import partners
from mapping.model import TARGET_GROUPS, THEMES, label
from pages import _errors, _partner_list, _ui

_ui.ensure_app()
SHOWN = 10

lang = _ui.lang()
key = _ui.data_key()
_ui.url_in("partners")
st.title(_ui.tr("partners.title"))
st.caption(_ui.tr("partners.intro"))

index = _partner_list.data(key)
names = {i: r["name"] for i, r in sorted(index.actors.items(), key=lambda kv: kv[1]["name"].lower())}
regions = partners.region_choices(lang)
_ui.keep_if_in("pt_origin", names)
_ui.keep_if_in("pt_region", regions)

origin_col, region_col = st.columns(2)
origin = origin_col.selectbox(_ui.tr("partners.origin"), list(names), format_func=names.get, index=None,
                              key="pt_origin", placeholder=_ui.tr("partners.any"), help=_ui.tr("partners.origin_help"))
region = region_col.selectbox(_ui.tr("partners.region"), list(regions), format_func=regions.get, index=None,
                              key="pt_region", placeholder=_ui.tr("partners.any"))
themes_col, groups_col = st.columns(2)
themes = themes_col.multiselect(_ui.tr("partners.themes"), list(THEMES), key="pt_themes",
                                format_func=lambda c: label(THEMES, c, lang), placeholder=_ui.tr("partners.any"))
groups = groups_col.multiselect(_ui.tr("partners.groups"), list(TARGET_GROUPS), key="pt_groups",
                                format_func=lambda c: label(TARGET_GROUPS, c, lang), placeholder=_ui.tr("partners.any"))
_ui.url_out("partners")

with st.expander(_ui.tr("partners.how")):
    st.caption(_ui.tr("partners.how_intro", max=partners.MAX_SCORE))
    st.dataframe(partners.weights_table(lang), hide_index=True, key="partners_weights",
                 column_config={c: _ui.tr(f"partners.col.{c}") for c in ("part", "points", "how")})

if not (origin or themes or region):
    st.info(_ui.tr("partners.ask"))
    _errors.end_page()

filters = _ui.current_filters()
pool = None if filters.is_empty() else _partner_list.pool(key, filters)
found = partners.suggest(index, partners.Request(origin=origin, themes=tuple(themes), target_groups=tuple(groups),
                                                 region=region), lang=lang, pool=pool, limit=None)
if pool is not None:
    st.caption(_ui.tr("partners.pool", n=len(pool)))
if found.empty:
    st.info(_ui.tr("partners.none"))
    _errors.end_page()
st.subheader(_ui.tr("partners.count", n=len(found)))
_partner_list.suggestions(found.head(SHOWN), lang)
if len(found) > SHOWN:
    with st.expander(_ui.tr("partners.rest", n=len(found) - SHOWN)):
        _partner_list.suggestions(found.iloc[SHOWN:], lang, start=SHOWN + 1)
