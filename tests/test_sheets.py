"""Header finding and HXL columns: title rows skipped, tags matched with attributes in any order."""
from mapping import sheets
from mapping.importer import HEADERS


def test_the_hxl_row_is_found_under_title_and_note_rows_and_the_text_header_is_the_row_above():
    rows = [["3W Mali — mars 2022", ""], ["All information on this sheet is collated from partners", ""], ["", ""],
            ["Organisation", "Région"], ["#org+name", "#adm1+name"], ["ACF", "Mopti"]]
    found = sheets.find_header(rows, HEADERS)
    assert (found.header, found.tags, found.skipped) == (3, 4, [0, 1])


def test_a_tag_row_without_a_text_header_is_its_own_header():
    found = sheets.find_header([["#org", "#country"], ["ACF", "ML"]], HEADERS)
    assert (found.header, found.tags, found.skipped) == (None, 0, [])


def test_a_row_of_mostly_text_with_one_hashtag_is_not_a_tag_row():
    # libhxl wants at least half the non-empty cells to be hashtags, as the HXL tools do.
    found = sheets.find_header([["Note: #org means organisation", "see", "below"], ["Nom", "Pays"], ["A", "MA"]],
                               HEADERS)
    assert found.tags is None and found.header == 1 and found.skipped == [0]


def test_beyond_25_rows_the_hxl_row_is_not_looked_for():
    rows = [[f"note {i}"] for i in range(25)] + [["#org", "#country"], ["A", "MA"]]
    assert sheets.find_header(rows, HEADERS).tags is None


def test_without_hxl_the_first_row_with_known_header_words_is_the_header():
    rows = [["Liste des partenaires de la commune"], ["mise à jour 2024"], ["Nom", "Type", "Ville"],
            ["A", "ONG", "Oujda"]]
    found = sheets.find_header(rows, HEADERS)
    assert (found.header, found.skipped) == (2, [0, 1])


def test_attributes_in_any_order_and_with_spaces_map_to_the_same_field():
    fields = sheets.hxl_fields(["#org+name+impl", "#org +impl +name", "#adm1 +code", "#adm1+name", "#country+iso3",
                                "#lat_deg", "#geo+lon", "#org+funder+name"])
    assert [f for f, _ in fields] == ["name", "name", "region_code", "region", "country", "lat", "lon", None]


def test_the_lead_organisation_wins_over_the_implementing_partner():
    # Libya 3W style: the lead's acronym and the implementing partner's name must not be mixed.
    chosen = sheets.choose(sheets.hxl_fields(["#org+acronym", "#org+impl+name", "#adm2+name"]))
    assert chosen == ["acronym", None, "city"]


def test_when_only_implementing_partners_are_named_they_are_the_actors():
    chosen = sheets.choose(sheets.hxl_fields(["#org+impl", "#org+impl+name", "#org+impl+type"]))
    assert chosen == [None, "name", "kind"]
