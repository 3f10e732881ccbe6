"""Diarienummer and § written the ways people write them."""

import pytest

from registry.errors import InvalidInput
from registry.identifiers import normalise_dnr, normalise_paragraph, slugify


@pytest.mark.parametrize(
    "written, normalised",
    [
        ("KS 2025.032", "KS 2025/32"),
        ("KS 2025/32", "KS 2025/32"),
        ("ks 2025.32", "KS 2025/32"),
        ("Dnr KS2014/143", "KS 2014/143"),
        ("KS AU 2025:7", "KS AU 2025/7"),
        ("SLK-2023-01047", "SLK 2023/1047"),
        ("2019-160", "2019/160"),
    ],
)
def test_one_arende_however_the_dnr_is_written(written, normalised):
    assert normalise_dnr(written) == normalised


@pytest.mark.parametrize("bad", ["", "hej", "KS", "KS 25.032", "2025"])
def test_unparseable_dnr_says_how_to_write_it(bad):
    with pytest.raises(InvalidInput, match="KS 2025.032"):
        normalise_dnr(bad)


@pytest.mark.parametrize("written", ["§61", "§ 61", "61 §", "paragraf 61", "61"])
def test_paragraph_forms(written):
    assert normalise_paragraph(written) == "61"


def test_anchor_from_swedish_heading():
    assert slugify("Digital förnyelse") == "digital-fornyelse"
    assert slugify("Åtgärder & ansvar") == "atgarder-ansvar"
