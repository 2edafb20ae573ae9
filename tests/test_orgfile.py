"""The organisation file's pieces on the seed: readable sources, working contacts, one timeline."""
from __future__ import annotations

import re

import pandas as pd

from mapping import orgfile


def _sources(store, actor_id, lang="en"):
    return orgfile.source_list(store.actor_citations(actor_id), store.actor_relations(actor_id),
                               store.actor_projects(actor_id), store.actor_events(actor_id), lang)


def test_sources_read_as_titles_and_facts_never_file_names_or_nan(store):
    cited = store.actor_citations("commune-oujda")
    entries = _sources(store, "commune-oujda")
    assert sorted(e["id"] for e in entries) == sorted(cited["source_id"].unique())
    shown = " ".join([e["title"] + e["byline"] for e in entries]
                     + [what + quote for e in entries for what, quote in e["facts"]])
    for source_id in cited["source_id"].unique():
        assert source_id not in shown
    assert "nan" not in shown.lower().split() and "a project role" not in shown
    facts = [what for e in entries for what, _ in e["facts"]]
    assert "This file" in facts
    assert any(f.startswith("Role in RECOSA: ") for f in facts)
    assert any(f.startswith("Partner: supported by Deutsche Gesellschaft") for f in facts)
    # every fact cited for the file is listed under its document
    distinct = cited.drop_duplicates(["source_id", "fact", "record_id", "quote"])
    assert sum(len(e["facts"]) for e in entries) == len(distinct)


def test_sources_in_french_and_an_untitled_document():
    cited = pd.DataFrame({"fact": ["actor"], "record_id": ["x"], "source_id": ["001_abc.txt"], "title": [None],
                          "publisher": [float("nan")], "date": [None], "url": ["javascript:alert(1)"], "quote": [None]})
    [entry] = orgfile.source_list(cited, lang="fr")
    assert entry["title"] == "Document sans titre" and entry["byline"] == "" and entry["url"] is None
    assert entry["facts"] == [("Cette fiche", "")]


def test_public_contacts_become_links_that_open(store):
    bmz = store.actor("bmz")
    links = {field: href for field, _, href in orgfile.contact_links(bmz)}
    assert links["website"].startswith(("http://", "https://")) and "bmz.de" in links["website"]
    assert links["public_email"] == "mailto:" + bmz["public_email"]
    assert links["public_phone"].startswith("tel:+49")
    assert orgfile.contact_links({"website": "see our facebook page"}) == [("website", "see our facebook page", None)]


def test_the_timeline_holds_projects_and_events_in_date_order(store):
    frame = orgfile.timeline(store.actor_projects("commune-oujda"), store.actor_events("commune-oujda"))
    assert {"project", "event"} == set(frame["what"])
    dated = frame[frame["start"] != ""]
    assert dated["start"].is_monotonic_increasing and (frame.index[frame["start"] == ""] >= len(dated)).all()
    assert "RECOSA" in set(frame["name"]) and not frame["period"].str.contains("nan").any()
    spec = orgfile.timeline_spec(frame)
    assert len(spec["data"]["values"]) == len(dated)


def test_header_names_each_language_once():
    names = orgfile.other_names({"name": "GIZ", "name_fr": "GIZ", "name_en": "GIZ", "name_ar": None})
    assert names == []


def test_titles_name_the_acronym_once(store):
    actors = store.actors().to_dict("records")
    titles = {a["id"]: orgfile.title(a) for a in actors}
    assert titles["giz"] == "Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ) GmbH"
    assert titles["iom"] == "Organisation internationale pour les migrations (IOM)"
    for a in actors:
        if isinstance(a["acronym"], str) and a["acronym"]:
            word = re.compile(rf"(?<!\w){re.escape(a['acronym'])}(?!\w)", re.IGNORECASE)
            assert len(word.findall(titles[a["id"]])) == 1, titles[a["id"]]
