"""Thresholds measured on synthetic same-template passports and face-like photos."""

import io
import itertools

import pytest
from PIL import Image

from checks.links.check import LinkCheck
from checks.links.images import bands, fingerprint, hamming, quads_distance
from tests.links.synthetic import TRANSFORMS, encode, jpeg, passport, portrait

P = LinkCheck.Params()
PEOPLE = range(12)


def _doc_match(a, b) -> bool:
    return (
        hamming(a.whole, b.whole) <= P.document_max_distance
        and quads_distance(a.quads, b.quads) <= P.document_quad_max_distance
    )


@pytest.fixture(scope="module")
def passports():
    return {s: passport(s) for s in PEOPLE}


@pytest.mark.parametrize("transform", list(TRANSFORMS))
def test_a_transformed_passport_still_matches_its_original(passports, transform):
    for img in passports.values():
        original = fingerprint(img, with_quads=True)
        copy = fingerprint(TRANSFORMS[transform](img), with_quads=True)
        assert _doc_match(original, copy)
        assert set(bands(original.whole)) & set(bands(copy.whole)), "the index must find it"
        assert original.pixels_sha256 != copy.pixels_sha256


def test_same_template_passports_of_different_people_never_match(passports):
    prints = [fingerprint(i, with_quads=True) for i in passports.values()]
    for a, b in itertools.combinations(prints, 2):
        assert not _doc_match(a, b)
    # ...although a whole-image hash alone would confuse some of them: the quarters are needed.
    assert (
        min(hamming(a.whole, b.whole) for a, b in itertools.combinations(prints, 2))
        <= P.document_max_distance
    )


@pytest.mark.parametrize("transform", list(TRANSFORMS))
def test_photo_copies_match_and_different_faces_do_not(transform):
    faces = [portrait(s, (300, 380)) for s in PEOPLE]
    prints = [fingerprint(f, with_quads=False) for f in faces]
    for face, fp in zip(faces, prints, strict=True):
        assert (
            hamming(fp.whole, fingerprint(TRANSFORMS[transform](face), with_quads=False).whole)
            <= P.photo_max_distance
        )
    for a, b in itertools.combinations(prints, 2):
        assert hamming(a.whole, b.whole) > P.photo_max_distance


def test_identical_pixels_give_one_sha_whatever_the_file_encoding():
    img = portrait(3)
    png = Image.open(io.BytesIO(encode(img, "PNG")))
    assert (
        fingerprint(img, with_quads=False).pixels_sha256
        == fingerprint(png, with_quads=False).pixels_sha256
    )


def test_a_large_scan_and_its_smaller_jpeg_copy_match():
    big = passport(21).resize((1920, 1320))
    copy = jpeg(big.resize((1536, 1056)), 60)
    assert _doc_match(fingerprint(big, with_quads=True), fingerprint(copy, with_quads=True))
    assert not _doc_match(
        fingerprint(big, with_quads=True),
        fingerprint(passport(22).resize((1920, 1320)), with_quads=True),
    )
