"""Payout holder and resume author keys: what joins people and what never does."""

from __future__ import annotations

import pytest

from checks.links.identities import author_key, holder_is_own, holder_key


def test_holder_names_as_banks_write_them_are_one_key():
    assert holder_key("SMITH, John R.") == holder_key("John Smith") == "JOHN SMITH"
    assert holder_key("Zoë  Ångström") == holder_key("ANGSTROM ZOE")
    assert holder_key("John Smyth") != holder_key("John Smith")
    assert holder_key("J. Smith") == ""  # one full word names nobody in particular
    assert holder_key("") == ""


def test_own_name_allows_a_banks_extra_initial_but_not_another_person():
    assert holder_is_own("Megan Clark", "CLARK, Megan J.")
    assert not holder_is_own("Juan Lopez", "Maria Lopez")
    assert not holder_is_own("Megan Clark", "Megan Clark Johnson")


@pytest.mark.parametrize(
    "generic",
    [
        "User",
        "Microsoft Office User",
        "Administrator",
        "admin",
        "Windows User",
        "Microsoft Word",
        "LibreOffice Writer",
        "Adobe Acrobat Pro DC",
        "Google Docs Renderer",
        "Canva",
        "pdfTeX-1.40.25",
        "macOS Version 14.4 (Build 23E214) Quartz PDFContext",
        "   ",
        "jd",
        "12345",
    ],
)
def test_generic_authors_and_tools_name_nobody(generic):
    assert author_key(generic) == ""


def test_a_personal_author_is_kept_case_and_accent_insensitive():
    assert author_key("Dmitri  Volkov") == author_key("DMITRI VOLKOV") == "DMITRI VOLKOV"
    assert author_key("José Núñez") == "JOSE NUNEZ"
    assert author_key("dvolkov") == "DVOLKOV"  # a user name is as personal as a name
