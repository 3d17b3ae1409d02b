"""The layer catalogue (lagen/catalogus/*) and gemeente norm overrides."""

from __future__ import annotations

import csv
import re
import shutil

import pytest
import yaml

from gebiedsplan import settings
from gebiedsplan.catalogus import apply_norm_overrides, load_catalogus
from gebiedsplan.errors import GebiedsplanError

CATALOGUS_DIR = settings.catalogus_dir


def _raw_yaml(name: str):
    with (CATALOGUS_DIR / name).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def catalogus():
    return load_catalogus()


@pytest.fixture(scope="module")
def categorieen():
    return set(_raw_yaml("categorieen.yml"))


# --- loading ----------------------------------------------------------------------------------


def test_catalogue_loads_with_expected_layers_and_categories(catalogus):
    assert set(catalogus.lagen) == {
        "wijken",
        "buurten",
        "voorzieningen",
        "accommodaties",
        "groen",
        "gezondheid",
        "vraagpunten",
        "netwerk",
        "netwerk_auto",
        "plannen",
        "nabijheid",
        "kerncijfers_jaren",
        "buurten_indeling",
        "inbreng",
        "voorzieningen_jaren",
    }
    assert catalogus.lagen["wijken"].sleutel == "wijkcode"
    assert catalogus.lagen["buurten"].sleutel == "buurtcode"
    assert catalogus.lagen["gezondheid"].geometrie is None
    assert catalogus.lagen["voorzieningen"].geometrie == ("Point",)
    assert catalogus.lagen["voorzieningen"].kolommen["categorie"].vocabulaire == "categorieen"
    assert len(catalogus.categorieen) == 12  # 11 of the sociale basis + supermarkt
    assert "supermarkt" not in catalogus.normen  # outside the sociale basis: never analysed
    assert catalogus.categorieen["opvang"].gevoelig is True
    assert catalogus.categorieen["huisarts"].gevoelig is False
    assert catalogus.normen["speelplek"].max_afstand_m == 300
    assert catalogus.normen["speelplek"].soort == "richtlijn"
    assert list(catalogus.osm_tags.columns) == [
        "categorie",
        "sleutel",
        "waarde",
        "voorwaarde",
        "toelichting",
    ]


def test_every_norm_category_is_a_known_category(categorieen):
    normen = _raw_yaml("normen.yml")
    unknown = sorted(set(normen) - categorieen)
    assert unknown == []


def test_every_osm_tag_category_is_a_known_category(categorieen):
    with (CATALOGUS_DIR / "osm_tags.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 0
    unknown = sorted({r["categorie"] for r in rows} - categorieen)
    assert unknown == []


def test_every_norm_has_a_source_a_positive_distance_and_a_valid_coverage(catalogus):
    assert len(catalogus.normen) > 0
    for code, norm in catalogus.normen.items():
        assert isinstance(norm.bron, str) and len(norm.bron.strip()) > 10, code
        assert norm.max_afstand_m > 0, code
        assert 0 < norm.doeldekking <= 1, code
        assert norm.soort in {"richtlijn", "aanname"}, code


def test_inconsistent_catalogue_names_the_unknown_category(tmp_path):
    kopie = tmp_path / "catalogus"
    shutil.copytree(CATALOGUS_DIR, kopie)
    normen = kopie / "normen.yml"
    normen.write_text(
        normen.read_text(encoding="utf-8")
        + "\ncasino:\n  max_afstand_m: 500\n  doeldekking: 0.5\n  soort: aanname\n  bron: x\n",
        encoding="utf-8",
    )
    with pytest.raises(GebiedsplanError, match="normen.yml: categorie 'casino' staat niet in"):
        load_catalogus(kopie)


# --- norm overrides -----------------------------------------------------------------------------


def test_valid_override_is_applied_and_marked_gemeente(catalogus):
    normen = apply_norm_overrides(
        catalogus.normen,
        {"huisarts": {"max_afstand_m": 800, "doeldekking": 0.75, "bron": "Raadsbesluit 2025"}},
        bron="wijken/test.yml",
    )
    huisarts = normen["huisarts"]
    assert huisarts.max_afstand_m == 800
    assert huisarts.doeldekking == 0.75
    assert huisarts.soort == "gemeente"
    assert huisarts.bron == "Raadsbesluit 2025"
    # the other norms are untouched, and the catalogue itself is not changed
    assert normen["speelplek"] == catalogus.normen["speelplek"]
    assert catalogus.normen["huisarts"].max_afstand_m == 1000
    assert catalogus.normen["huisarts"].soort == "aanname"


def test_override_without_bron_names_the_gemeente_file(catalogus):
    normen = apply_norm_overrides(
        catalogus.normen, {"speelplek": {"max_afstand_m": 250}}, bron="wijken/test.yml"
    )
    assert normen["speelplek"].max_afstand_m == 250
    assert normen["speelplek"].doeldekking == catalogus.normen["speelplek"].doeldekking
    assert normen["speelplek"].soort == "gemeente"
    assert "wijken/test.yml" in normen["speelplek"].bron


def test_no_overrides_returns_catalogue_norms(catalogus):
    assert apply_norm_overrides(catalogus.normen, None, bron="x") == dict(catalogus.normen)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"casino": {"max_afstand_m": 500}}, "onbekende categorie 'casino'"),
        ({"huisarts": {"afstand": 500}}, "normen.huisarts: onbekend veld afstand"),
        (
            {"huisarts": {"max_afstand_m": -100}},
            "max_afstand_m moet een getal groter dan 0 zijn (gekregen: -100)",
        ),
        (
            {"huisarts": {"doeldekking": 1.5}},
            "doeldekking moet tussen 0 en 1 liggen (gekregen: 1.5)",
        ),
        ({"huisarts": {"max_afstand_m": "500m"}}, "(gekregen: '500m')"),
        ({"huisarts": 800}, "normen.huisarts moet velden hebben"),
    ],
)
def test_invalid_override_is_named(catalogus, overrides, expected):
    with pytest.raises(GebiedsplanError, match=re.escape(expected)) as info:
        apply_norm_overrides(catalogus.normen, overrides, bron="wijken/test.yml")
    assert "wijken/test.yml" in str(info.value)


def test_all_override_problems_in_one_message(catalogus):
    overrides = {
        "casino": {"max_afstand_m": 500},
        "welzijn": {"afstand": 500},
        "huisarts": {"max_afstand_m": -100},
        "speelplek": {"doeldekking": 1.5},
    }
    with pytest.raises(GebiedsplanError) as info:
        apply_norm_overrides(catalogus.normen, overrides, bron="wijken/test.yml")
    message = str(info.value)
    assert "onbekende categorie 'casino'" in message
    assert "normen.welzijn: onbekend veld afstand" in message
    assert "norm 'huisarts': max_afstand_m" in message and "-100" in message
    assert "norm 'speelplek': doeldekking" in message and "1.5" in message
    assert message.count("\n  - ") == 4


def test_capacity_norms_cite_their_source(catalogus):
    huisarts = catalogus.normen["huisarts"].capaciteit
    assert huisarts is not None
    assert huisarts.per_1000 == pytest.approx(1000 / 2350, abs=1e-4)
    assert huisarts.eenheid == "fte huisarts" and "2.350" in huisarts.bron
    assert catalogus.normen["basisschool"].doelgroep == {"inwoners_0_tot_15_jaar": 0.53}
    assert catalogus.normen["ontmoeting"].behoefte == {"eenzaam": 0.5, "ernstig_eenzaam": 0.5}


def test_overrides_of_target_group_capacity_and_need(catalogus):
    normen = apply_norm_overrides(
        catalogus.normen,
        {
            "huisarts": {
                "capaciteit": {
                    "per_1000": 0.48,
                    "eenheid": "fte huisarts",
                    "soort": "gemeente",
                    "bron": "Arnhem, eigen normpraktijk 2.095",
                },
                "behoefte": {"langdurige_aandoening": 1.0},
            },
            "speelplek": {"doelgroep": {"inwoners_0_tot_15_jaar": 1.0}},
        },
        bron="gemeente.yml",
    )
    assert normen["huisarts"].capaciteit.per_1000 == 0.48
    assert normen["huisarts"].behoefte == {"langdurige_aandoening": 1.0}
    assert normen["huisarts"].max_afstand_m == catalogus.normen["huisarts"].max_afstand_m
    assert normen["speelplek"].doelgroep == {"inwoners_0_tot_15_jaar": 1.0}


def test_bad_target_group_capacity_and_need_are_named(catalogus):
    with pytest.raises(GebiedsplanError) as info:
        apply_norm_overrides(
            catalogus.normen,
            {
                "speelplek": {"doelgroep": {"kinderen": 1.0}},
                "huisarts": {
                    "capaciteit": {"per_1000": -1, "eenheid": "fte", "soort": "x", "bron": "y"}
                },
                "welzijn": {"behoefte": {"eenzaam": 3}},
            },
            bron="gemeente.yml",
        )
    message = str(info.value)
    assert "doelgroep 'kinderen' is geen leeftijdskolom van buurten" in message
    assert "capaciteit.per_1000 moet groter dan 0 zijn" in message
    assert "behoefte.eenzaam moet een gewicht tussen -1 en 1 zijn (gekregen: 3)" in message


def test_split_functies_is_the_one_reading_of_functies():
    from gebiedsplan.catalogus import split_functies

    assert split_functies("welzijn;ontmoeting") == ["welzijn", "ontmoeting"]  # order kept
    assert split_functies(" ontmoeting ,welzijn; ;jeugd_en_gezin,") == [
        "ontmoeting",
        "welzijn",
        "jeugd_en_gezin",
    ]
    assert split_functies("ontmoeting;ontmoeting") == ["ontmoeting"]
    assert split_functies("") == split_functies(None) == split_functies(float("nan")) == []
