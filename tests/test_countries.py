"""Countries by ISO code or name (English, French, official) through pycountry."""
import pytest

from mapping import countries


@pytest.mark.parametrize("value, code", [
    ("MA", "MA"), ("MAR", "MA"), ("Maroc", "MA"), ("Morocco", "MA"), ("Kingdom of Morocco", "MA"),
    ("CIV", "CI"), ("Côte d'Ivoire", "CI"), ("Cote d'Ivoire", "CI"), ("Ivory Coast", "CI"),
    ("Sénégal", "SN"), ("SEN", "SN"), ("Tchad", "TD"), ("Niger", "NE"), ("Burkina Faso", "BF"), ("MLI", "ML"),
])
def test_codes_and_names(value, code):
    assert countries.country_code(value) == code


@pytest.mark.parametrize("value", ["Sahel Crisis", "Lake Chad Basin", "", None, "Atlantis"])
def test_names_that_are_not_countries(value):
    assert countries.country_code(value) is None


def test_pcode_letters_name_the_country():
    assert [countries.code_prefix(c) for c in ("TD07", "MLI10", "ML0506", "SEN01", "CI-AB", "", None)] == \
        ["TD", "ML", "ML", "SN", "CI", None, None]


def test_names_of_countries_outside_the_atlas_in_both_languages():
    assert countries.country_name("TD", "fr") == "Tchad" and countries.country_name("TD", "en") == "Chad"
