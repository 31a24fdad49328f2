"""The addressee / strength-of-wording rules on real items of the corpus.

Expected values were read off the texts (who is asked, with which formula); subparagraphs
must take their chapeau's values.
"""

from __future__ import annotations

import re

import pytest

from recueil.search.wording import ADDRESSEE_LABELS, STRENGTH_LABELS, classify, classify_item


def _items() -> dict[str, dict]:
    from recueil.store.models import Item

    out = {}
    for item in Item.objects.filter(status="adopted").select_related("parent"):
        out[item.ref] = {
            "text": item.text,
            "part": item.part,
            "kind": item.kind,
            "chapeau": item.parent.text if item.parent_id else None,
        }
    return out


@pytest.fixture(scope="module")
def items(corpus_store) -> dict[str, dict]:
    return corpus_store.run(_items)


def wording(items, ref):
    i = items[ref]
    return classify_item(i["text"], part=i["part"], kind=i["kind"], chapeau=i["chapeau"])


@pytest.mark.parametrize(
    ("ref", "addressees", "strength"),
    [
        ("A:I.1", ("states",), "encouraged"),  # devraient être encouragés à envisager
        ("A:I.7", ("states",), "may_wish"),  # Les États voudront peut-être prier l'ONUDD
        ("A:I.13", ("states",), "should"),  # Lorsqu'ils enquêtent …, les États parties devraient
        ("A:I.15", ("states",), "may_wish"),  # pourraient envisager
        (
            "A:I.39",
            ("other",),
            "may_wish",
        ),  # les organisations internationales pourraient être priées
        ("A:I.52", ("working_group",), "should"),
        ("A:I.55", ("conference",), "should"),
        ("A:II.3", ("secretariat",), "encouraged"),  # Le Groupe de travail a prié le Secrétariat
        ("A:II.4", ("states", "secretariat"), "should"),  # les États parties et l'ONUDC devraient
        ("A:II.8.a", ("conference",), "encouraged"),  # chapeau: a recommandé à la Conférence
        ("A:III.2", ("states",), "must"),  # Les États doivent traiter
        ("A:III.13", ("secretariat",), "should"),
        ("A:V.1.a", ("states",), "should"),  # chapeau: Les États parties devraient :
        ("A:VII.12", ("states",), "may_wish"),  # peuvent envisager
        ("A:XI.12", ("states",), "urged"),  # Les Parties … sont instamment priées
        ("A:XI.13.b", ("states",), "encouraged"),  # chapeau: sont vivement encouragés à :
        ("B:I.c", ("secretariat",), "encouraged"),  # Prie le Secrétariat
        ("B:I.e", ("other",), "encouraged"),  # Invite les signataires
        ("B:I.b.ii", ("conference",), "decides"),  # chapeau: Décide également que …
        ("B:II.k", ("states",), "encouraged"),  # A prié les États parties qui … le secrétariat
        ("B:III.b", ("states",), "urged"),  # Exhorte les États parties
        ("B:V.3", ("conference",), "decides"),  # Décide de renforcer la coopération
        ("B:V.13", ("conference",), "notes"),  # Note la publication
        ("B:VI.1", ("states",), "urged"),  # Prie instamment les États Membres
        ("B:VI.9.b", ("states",), "urged"),  # chapeau: Prie aussi instamment les États parties :
        ("B:VI.19", ("working_group",), "decides"),  # Décide que le Groupe de travail …
        ("B:VI.al.3", ("conference",), "notes"),  # preambular: Réaffirmant
    ],
)
def test_addressee_and_strength_of_real_items(items, ref, addressees, strength):
    got = wording(items, ref)
    assert (got.addressees, got.strength) == (addressees, strength)


def test_the_usual_formulas_classify_consistently_across_the_corpus(items):
    patterns = {
        "should": re.compile(r"^Les États(?: parties)? devraient\b"),
        "encouraged": re.compile(r"^Les États(?: parties)? sont (?:encouragés|invités)\b"),
        "may_wish": re.compile(r"^Les États(?: parties)? voudront peut-être\b"),
    }
    seen = dict.fromkeys(patterns, 0)
    for ref, item in items.items():
        for strength, pattern in patterns.items():
            if pattern.match(item["text"]):
                seen[strength] += 1
                got = wording(items, ref)
                assert got.strength == strength and got.addressees == ("states",), ref
    assert all(n >= 10 for n in seen.values()), seen


def test_every_item_gets_known_values(items):
    for ref in items:
        got = wording(items, ref)
        assert got.addressees and set(got.addressees) <= set(ADDRESSEE_LABELS), ref
        assert got.strength in STRENGTH_LABELS, ref


def test_subparagraph_without_chapeau_falls_back_to_its_own_text():
    got = classify_item("Le Secrétariat devrait aider.", part="A", kind="subparagraph")
    assert got.addressees == ("secretariat",) and got.strength == "should"


def test_earliest_formula_wins_over_a_later_one():
    text = "Les États sont encouragés à créer des mécanismes, principe qui doit prévaloir."
    assert classify(text, part="A", kind="recommendation").strength == "encouraged"
