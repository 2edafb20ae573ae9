from mapping.filters import Filters


def test_round_trip_through_params():
    f = Filters(q="réseau", countries=("MA", "SN"), regions=("MA-02",), cities=("Oujda",), kinds=("ngo",),
                themes=("health",), target_groups=("refugees",), projects=("recosa",))
    assert Filters.from_params(f.to_params()) == f


def test_streamlit_style_list_params_and_unknown_keys():
    f = Filters.from_params({"country": ["MA", "CI"], "page": "map", "q": ""})
    assert f.countries == ("MA", "CI") and f.q == "" and not f.regions


def test_empty_filters_have_no_params():
    assert Filters().to_params() == {}
    assert Filters().is_empty() and not Filters(kinds=("ngo",)).is_empty()


def test_with_normalises_lists():
    f = Filters().with_(countries=["MA"])
    assert f.countries == ("MA",) and hash(f)  # hashable: used as a cache key
