from ouvert.core.messages import render
from ouvert.procurement.publiccode import validate

GOOD = """publiccodeYmlVersion: "0.4"
name: Carte des chantiers
url: https://depot.exemple.qc.ca/carte-chantiers
platforms: [web]
developmentStatus: stable
softwareType: standalone/web
description:
  fr:
    shortDescription: Carte libre des chantiers routiers.
    longDescription: >
      Une carte interactive et accessible des chantiers routiers, alimentée par les données
      ouvertes de la Ville, avec une liste textuelle équivalente pour les lecteurs d'écran et un
      export des chantiers en cours.
    features: [carte, liste accessible]
legal:
  license: LiLiQ-R-1.1
maintenance:
  type: contract
localisation:
  localisationReady: true
  availableLanguages: [fr, en]
fundedBy:
  - name: Ville de Montréal
    uri: https://montreal.ca
"""


def test_a_valid_file_naming_the_body_passes():
    report = validate(GOOD, body_names=["Ville de Montréal"])
    assert report.valid, [render(e) for e in report.errors]
    assert report.data["name"] == "Carte des chantiers"


def test_every_error_is_reported_at_once():
    bad = GOOD.replace("developmentStatus: stable", "developmentStatus: fini").replace(
        "license: LiLiQ-R-1.1", "license: Proprietary").replace("platforms: [web]", "platforms: [web, amiga]").replace(
        "shortDescription: Carte libre des chantiers routiers.", "shortDescription: " + "x" * 151).replace(
        "  type: contract\n", "  type: contract\n".replace("contract", "contract")).replace("url: https://", "url: ftp://")
    messages = [render(e) for e in validate(bad, body_names=["Secrétariat du Conseil du trésor"]).errors]
    assert any("developmentStatus" in m and "fini" in m for m in messages)
    assert any("Proprietary" in m for m in messages)
    assert any("amiga" in m for m in messages)
    assert any("151 caractères" in m for m in messages)
    assert any("ftp://" in m for m in messages)
    assert any("fundedBy" in m and "Secrétariat" in m for m in messages)
    assert len(messages) == 6


def test_missing_keys_and_broken_yaml():
    assert [render(e) for e in validate("name: x\n").errors][0] == "Clé obligatoire absente : publiccodeYmlVersion."
    assert "YAML" in render(validate("a: [\n").errors[0])
    assert "dictionnaire" in render(validate("- a\n- b\n").errors[0])
