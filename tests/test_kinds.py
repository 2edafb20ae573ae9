"""Kinds from 3W organisation types and from names, with the rule shown."""
import pytest

from mapping import kinds
from mapping.model import ACTOR_KINDS


@pytest.mark.parametrize("stated, kind", [
    ("ONG Internationale", "ngo"), ("INGO", "ngo"), ("ONG Nationale", "ngo"), ("National NGO", "ngo"),
    ("Agence des Nations Unies", "international_organisation"), ("UN Agency", "international_organisation"),
    ("Gouvernement", "ministry"), ("Structure étatique", "ministry"), ("Mouvement de la Croix Rouge", "ngo"),
    ("Red Cross / Red Crescent", "ngo"), ("Bailleur de fonds", "donor"), ("Donor", "donor"),
    ("Secteur privé", "private_sector"), ("Collectivité locale", "municipality"),
])
def test_usual_3w_organisation_types(stated, kind):
    assert kinds.kind_from_type(stated) == kind


def test_an_unrecognised_type_is_none_not_a_guess():
    assert kinds.kind_from_type("Club de football") is None and kinds.kind_from_type("") is None


@pytest.mark.parametrize("name, kind", [
    ("Commune de Kaolack", "municipality"), ("Mairie de Sikasso", "municipality"),
    ("Conseil Régional de Souss-Massa", "regional_council"), ("Ministère de l'Intérieur", "ministry"),
    ("United Nations Children's Fund", "international_organisation"), ("HCR", "international_organisation"),
    ("Association Malienne des Expulsés", "ngo"), ("Croix-Rouge Malienne", "ngo"),
    ("Comité International de la Croix-Rouge", "international_organisation"),
    ("Université Cheikh Anta Diop", "research"), ("Réseau Marocain des Jeunes", "network"),
    ("Agence Française de Développement", "development_agency"), ("Sahel Logistique SARL", "private_sector"),
])
def test_kinds_guessed_from_names_say_which_rule(name, kind):
    guessed, rule = kinds.guess_kind(name)
    assert guessed == kind and rule and rule != kinds.FALLBACK[1]


def test_every_rule_gives_a_kind_of_the_atlas():
    assert {k for _, k in kinds.TYPE_RULES} | {k for _, k, _ in kinds.NAME_RULES} <= set(ACTOR_KINDS)


def test_the_acronym_is_tried_when_the_name_says_nothing():
    assert kinds.guess_kind("Organisation pour les Migrations", "OIM")[0] == "international_organisation"
