"""Name matching helpers."""

from __future__ import annotations

from checks.names import name_tokens, names_match, normalise_text


def test_tokens_fold_case_accents_and_separators():
    assert name_tokens("Jean-Luc Ørsted Straße") == ["JEAN", "LUC", "OERSTED", "STRASSE"]
    assert name_tokens("ERIKSSON<<ANNA<MARIA") == ["ERIKSSON", "ANNA", "MARIA"]
    assert normalise_text("  São   Paulo ") == "SAO PAULO"


def test_match_rules():
    assert names_match("Anna Maria Eriksson", "ERIKSSON ANNA M")
    assert names_match("Anna Maria Eriksson", "Anna Eriksson")
    assert not names_match("Anna Maria Eriksson", "John Smith")
    assert not names_match("Anna Maria Eriksson", "Anna")  # one word of two is not enough
    assert not names_match("Anna Maria Eriksson", "A M E")  # initials alone are not enough
    assert names_match("Madonna", "MADONNA")
    assert not names_match("", "Anna")


def test_truncated_mrz_names_match_the_start_of_a_word():
    profile = "Anna Maria Eriksson Wolfeschlegelsteinhausen"
    mrz = "ANNA MARIA ERIKSSON WOLFESCHLEG"
    assert not names_match(profile, mrz)
    assert names_match(profile, mrz, truncated=True)
    assert not names_match(profile, "ANNA MARIA SMITH", truncated=True)


def test_extra_initials_only_on_top_of_the_whole_name():
    assert not names_match("Megan Clark", "CLARK, Megan J.")  # strict by default (MRZs)
    assert names_match("Megan Clark", "CLARK, Megan J.", extra_initials=True)
    assert names_match("Megan Clark", "M. J. Clark", extra_initials=True)
    assert not names_match("Megan Clark", "Clark J.", extra_initials=True)
    assert not names_match("Megan Clark", "CLARK, Megan Jane", extra_initials=True)
    assert not names_match("Anna Maria Eriksson", "B. Eriksson", extra_initials=True)
