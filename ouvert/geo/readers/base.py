"""What every reader returns: features in WGS 84, the fields, the coordinate system found, and a
report of every problem met (file, feature, what, how to fix).

Messages are stored as a code plus parameters and rendered in the reader's language at display
time (:func:`issue_message`), so a report written during a French ingestion reads in English too.
The codes are registered with the project's one message mechanism, :mod:`ouvert.core.messages`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ouvert.core.messages import Message, register, render, render_fix

ERROR = "error"
WARNING = "warning"
INFO = "info"

# code -> (what happened, how to fix it). Parameters are filled with str.format(**params).
MESSAGES: dict[str, tuple[Any, Any]] = {
    "unknown_format": (
        _("Format non reconnu : ni GeoJSON, ni shapefile, ni KML/KMZ, ni GeoPackage, ni CSV avec coordonnées."),
        _("Publiez le fichier en GeoJSON (UTF-8, WGS 84) ou en shapefile zippé avec ses fichiers .shx, .dbf, "
          ".prj et .cpg."),
    ),
    "extension_mismatch": (
        _("Le fichier « {file} » porte l'extension « {extension} » mais son contenu est du {detected}."),
        _("Renommez le fichier avec l'extension .{expected} pour que les logiciels le reconnaissent."),
    ),
    "encoding_not_utf8": (
        _("Le fichier n'est pas encodé en UTF-8 : il a été lu en {encoding}."),
        _("Enregistrez le fichier en UTF-8 ; le GeoJSON (RFC 7946) l'exige et les accents seront préservés "
          "partout."),
    ),
    "encoding_c1_fixed": (
        ngettext_lazy("{count} caractère de contrôle (Windows-1252 mal converti en UTF-8, par exemple U+0097 au "
                      "lieu de « — ») a été remplacé par le caractère voulu.",
                      "{count} caractères de contrôle (Windows-1252 mal converti en UTF-8, par exemple U+0097 au "
                      "lieu de « — ») ont été remplacés par le caractère voulu.", "count"),
        _("Convertissez le fichier d'origine de Windows-1252 vers UTF-8 une seule fois, avec un outil qui "
          "connaît l'encodage de départ."),
    ),
    "encoding_replaced": (
        ngettext_lazy("{count} octet illisible en {encoding} a été remplacé par le caractère de remplacement U+FFFD.",
                      "{count} octets illisibles en {encoding} ont été remplacés par le caractère de remplacement "
                      "U+FFFD.", "count"),
        _("Indiquez l'encodage du fichier (fichier .cpg pour un shapefile) ou enregistrez-le en UTF-8."),
    ),
    "json_invalid": (
        _("JSON invalide à la ligne {line}, colonne {column} : {error}."),
        _("Corrigez la syntaxe à cet endroit (virgule, guillemet ou accolade manquante) et republiez."),
    ),
    "geojson_not_geojson": (
        _("Le JSON n'est pas du GeoJSON : membre « type » absent ou inattendu ({type})."),
        _("Un fichier GeoJSON commence par {{\"type\": \"FeatureCollection\", \"features\": [...]}}."),
    ),
    "geometry_invalid_structure": (
        _("Géométrie illisible : {error}."),
        _("Vérifiez le type et l'imbrication des coordonnées de cet objet (un polygone est une liste d'anneaux, "
          "chacun fermé)."),
    ),
    "geometry_invalid": (
        _("Géométrie invalide ({reason}) ; elle a été réparée pour l'affichage."),
        _("Corrigez la géométrie dans votre logiciel SIG (par exemple l'outil « Réparer les géométries » de QGIS)."),
    ),
    "geometry_missing": (
        _("Objet sans géométrie : il figure dans le tableau mais pas sur la carte."),
        _("Ajoutez la géométrie ou retirez l'objet s'il n'a pas de position."),
    ),
    "geometry_out_of_range": (
        _("Coordonnées hors des limites de la Terre après reprojection ({x}, {y})."),
        _("Le système de coordonnées déclaré est probablement faux : indiquez le bon code EPSG."),
    ),
    "wkt_fixed": (
        _("WKT non conforme dans la colonne « {column} » : {what} ; corrigé automatiquement."),
        _("Corrigez la géométrie à la source : {fix}."),
    ),
    "wkt_invalid": (
        _("WKT illisible dans la colonne « {column} » : « {value} »."),
        _("Utilisez la syntaxe WKT de l'OGC, par exemple POINT (-73.56 45.50)."),
    ),
    "coordinates_invalid": (
        _("Coordonnées illisibles : « {x} », « {y} » (colonnes « {x_column} » et « {y_column} »)."),
        _("Écrivez des nombres décimaux avec un point, par exemple -73.5673 et 45.5017."),
    ),
    "crs_declared": (
        _("Système de coordonnées déclaré : {crs}."),
        "",
    ),
    "crs_unknown_prj": (
        _("Le fichier .prj n'est pas reconnu par PROJ : {error}."),
        _("Remplacez-le par celui exporté de votre logiciel SIG ou indiquez le code EPSG à la publication."),
    ),
    "crs_guessed": (
        _("Aucun système de coordonnées n'est déclaré ; d'après l'étendue des coordonnées, il s'agit "
          "probablement de {crs}."),
        _("Confirmez-le en indiquant le code EPSG à la publication, ou ajoutez un fichier .prj."),
    ),
    "crs_ambiguous": (
        _("Aucun système de coordonnées n'est déclaré et plusieurs conviennent : {candidates}. {chosen} a été "
          "retenu provisoirement ; la position peut être décalée."),
        _("Indiquez le code EPSG exact à la publication (demandez-le au producteur des données)."),
    ),
    "crs_undetermined": (
        _("Impossible de déterminer le système de coordonnées : étendue {bbox}."),
        _("Indiquez le code EPSG à la publication (par exemple 32198 pour Québec Lambert, 32188 pour MTM 8, "
          "4326 pour WGS 84)."),
    ),
    "reprojected": (
        _("Coordonnées reprojetées de {crs} vers WGS 84 (EPSG:4326) pour l'affichage et les exports."),
        "",
    ),
    "shp_missing_shp": (
        _("Le fichier .shp « {file} » est absent : seuls les attributs (.dbf) peuvent être affichés, sans carte."),
        _("Ajoutez le fichier .shp (il contient les géométries) dans l'archive, à côté du .dbf."),
    ),
    "shp_missing_shx": (
        _("Le fichier d'index .shx de « {file} » est absent ; l'index a été reconstruit en lisant le .shp."),
        _("Ajoutez le fichier .shx dans l'archive : de nombreux logiciels refusent un shapefile sans lui."),
    ),
    "shp_missing_dbf": (
        _("Le fichier d'attributs .dbf de « {file} » est absent : les objets sont affichés sans attributs."),
        _("Ajoutez le fichier .dbf dans l'archive, à côté du .shp."),
    ),
    "shp_missing_prj": (
        _("Le fichier .prj de « {file} » est absent : le système de coordonnées n'est pas déclaré."),
        _("Ajoutez le fichier .prj exporté par votre logiciel SIG."),
    ),
    "shp_count_mismatch": (
        ngettext_lazy("Le .dbf a {records} enregistrement, qui ne correspond pas aux géométries du .shp ({shapes}).",
                      "Le .dbf a {records} enregistrements, qui ne correspondent pas aux géométries du .shp "
                      "({shapes}).", "records"),
        _("Réexportez le shapefile : ses fichiers ne viennent pas de la même version de la couche."),
    ),
    "shp_unreadable": (
        _("Le fichier .shp est illisible : {error}."),
        _("Réexportez le shapefile depuis votre logiciel SIG."),
    ),
    "shp_shape_unreadable": (
        _("Géométrie illisible dans le .shp : {error}."),
        _("Réexportez le shapefile ou réparez cette géométrie."),
    ),
    "dbf_encoding": (
        _("Attributs du .dbf lus en {encoding} ({source})."),
        "",
    ),
    "dbf_overflow": (
        _("Valeur numérique trop large pour le champ « {field} » (« ****** » dans le .dbf) : laissée vide."),
        _("Élargissez le champ numérique dans votre logiciel SIG avant d'exporter (le format DBF remplace par "
          "des astérisques les nombres qui ne tiennent pas)."),
    ),
    "dbf_unreadable": (
        _("Le fichier .dbf est illisible : {error}."),
        _("Réexportez le shapefile depuis votre logiciel SIG."),
    ),
    "zip_other_layers": (
        _("L'archive contient d'autres couches, non lues ici : {names}."),
        _("Publiez chaque couche comme une ressource distincte."),
    ),
    "zip_unreadable": (
        _("L'archive ZIP est illisible : {error}."),
        _("Recréez l'archive ZIP et republiez-la."),
    ),
    "kml_invalid": (
        _("Le KML est illisible : {error}."),
        _("Vérifiez que le fichier est un KML valide (XML bien formé, espace de noms KML 2.2)."),
    ),
    "kml_unsupported": (
        _("Élément KML non pris en charge ignoré : {element}."),
        _("Convertissez cet élément en Point, LineString ou Polygon."),
    ),
    "gpkg_invalid": (
        _("Le GeoPackage est illisible : {error}."),
        _("Réexportez le GeoPackage depuis votre logiciel SIG."),
    ),
    "csv_no_geometry": (
        _("Aucune colonne de coordonnées trouvée (latitude/longitude, X/Y ou WKT) parmi : {columns}."),
        _("Ajoutez des colonnes « latitude » et « longitude » en degrés décimaux (WGS 84) ou une colonne WKT, "
          "ou indiquez les colonnes X/Y et leur code EPSG à la publication."),
    ),
    "csv_geometry_columns": (
        _("Géométrie lue dans {columns}."),
        "",
    ),
    "too_many_issues": (
        ngettext_lazy("{count} autre problème du même genre n'est pas détaillé.",
                      "{count} autres problèmes du même genre ne sont pas détaillés.", "count"),
        "",
    ),
}

# Values of the ``fix`` parameter of "wkt_fixed", translated at display time.
FIXES = {
    "polygon_parentheses": _("un polygone s'écrit avec deux niveaux de parenthèses, POLYGON ((x y, x y, …))"),
    "line_one_point": _("une ligne a au moins deux points ; ce tronçon n'en a qu'un et est affiché comme un point"),
}

register(MESSAGES)
register({f"wkt_fix.{key}": text for key, text in FIXES.items()})

MAX_ISSUES_PER_CODE = 20


@dataclass
class Issue:
    code: str
    severity: str = WARNING
    file: str = ""
    feature: int | None = None  # 0-based index of the feature in the file
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "file": self.file, "feature": self.feature,
                "params": {k: str(v) for k, v in self.params.items()}}


def issue_message(issue: Issue | dict[str, Any]) -> tuple[str, str]:
    """(what, how to fix) for an issue, in the active language."""
    data = issue.as_dict() if isinstance(issue, Issue) else issue
    params: dict[str, Any] = {"file": data.get("file") or "", **(data.get("params") or {})}
    if params.get("fix") in FIXES:
        params["fix"] = Message(f"wkt_fix.{params['fix']}")
    message = Message(data["code"], params)
    return render(message), render_fix(message)


@dataclass
class Feature:
    geometry: Any  # a shapely geometry in WGS 84, or None
    properties: dict[str, Any]
    index: int


@dataclass
class FieldInfo:
    name: str
    type: str = "text"  # text, integer, number, boolean, date


@dataclass
class GeoReadResult:
    format: str  # geojson, shapefile, kml, kmz, gpkg, csv
    name: str
    features: list[Feature] = field(default_factory=list)
    fields: list[FieldInfo] = field(default_factory=list)
    source_crs: str = "EPSG:4326"  # as found or chosen, before reprojection
    crs_candidates: list[str] = field(default_factory=list)
    encoding: str = ""
    issues: list[Issue] = field(default_factory=list)
    _counts: dict[str, int] = field(default_factory=dict, repr=False)

    def add(self, code: str, severity: str = WARNING, *, file: str = "", feature: int | None = None,
            **params: Any) -> None:
        """Record an issue; beyond MAX_ISSUES_PER_CODE of one kind, only count them."""
        self._counts[code] = self._counts.get(code, 0) + 1
        if self._counts[code] <= MAX_ISSUES_PER_CODE:
            self.issues.append(Issue(code=code, severity=severity, file=file, feature=feature, params=params))

    def finish(self) -> GeoReadResult:
        for code, count in self._counts.items():
            if count > MAX_ISSUES_PER_CODE:
                self.issues.append(Issue(code="too_many_issues", severity=INFO,
                                         params={"count": count - MAX_ISSUES_PER_CODE, "of": code}))
        self._counts = {}
        return self

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    def codes(self) -> set[str]:
        return {i.code for i in self.issues}

    @property
    def mappable(self) -> int:
        return sum(1 for f in self.features if f.geometry is not None)


class GeoReadError(Exception):
    """Nothing at all could be read; carries the result with its report."""

    def __init__(self, result: GeoReadResult):
        self.result = result
        super().__init__("; ".join(issue_message(i)[0] for i in result.errors) or result.format)
