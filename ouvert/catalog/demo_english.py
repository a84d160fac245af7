"""The demo datasets' English metadata: title, description and keywords, keyed like the pack's manifest
(``demo_data/manifest.json``). Our own translations of the French entries, so that a visitor of the
English pages finds the demo by English words ("bicycle", "fire hydrants") and reads it in English."""

from __future__ import annotations

from typing import NamedTuple


class English(NamedTuple):
    title: str
    keywords: str
    description: str
    licence_note: str = ""


ENGLISH: dict[str, English] = {
    "bornes-dincendie": English(
        "Fire hydrants", "fire hydrants, fire, safety, water",
        "Location and characteristics of the fire hydrants of the City of Gatineau's water network: type, "
        "address, condition and geometry as WKT (points)."),
    "decoupage-administratif": English(
        "Administrative divisions", "districts, sectors, administrative boundaries",
        "Boundaries of the City of Gatineau's administrative sectors (polygons as WKT). The .shp file shipped "
        "alone, without its .shx, .dbf and .prj files, cannot be read: its reading report explains why."),
    "lieux-publics": English(
        "Public places", "parks, municipal buildings, recreation",
        "The city's public places (parks, arenas, libraries, community centres) with their address and "
        "position (points as WKT)."),
    "voies-publiques": English(
        "Public roads", "streets, road network, speed limits",
        "Street segments of the City of Gatineau: name, hierarchy, one-way, speed limit, address ranges and "
        "path (lines as WKT)."),
    "historique-des-alertes-de-securite-civile": English(
        "Civil security alert history", "alerts, civil security, floods, emergencies",
        "History of public civil security alerts: observation date and time, municipality, coordinates, "
        "urgency, certainty, hazard type, severity and status."),
    "debits-de-circulation-du-reseau-routier": English(
        "Road network traffic volumes", "traffic, roads, traffic volumes, transportation",
        "Annual (AADT), summer and winter average daily traffic by road section and year, from the "
        "ministry's traffic counts."),
    "sections-de-route-et-types-de-chaussee": English(
        "Road sections", "roads, pavement, sections",
        "Reference list of the main road network's sections: name, type, start and end, municipality. The "
        "join key for the traffic volumes."),
    "sections-de-route-par-region": English(
        "Road sections by administrative region", "roads, administrative regions, sections",
        "Which administrative region of Québec each road section number belongs to. The header's first "
        "column is blank, as in the original file."),
    "murales": English(
        "Murals", "public art, murals, culture",
        "Murals funded by the City of Montréal: artist, year, borough, address and position (GeoJSON, "
        "points)."),
    "reseau-cyclable": English(
        "Bicycle network", "bicycle, bike paths, cycling network, mobility",
        "The bicycle network of the island of Montréal: type of lane, seasons open, length (GeoJSON, "
        "lines)."),
    "rues-pietonnes": English(
        "Pedestrian and shared streets", "pedestrian streets, urban design, active mobility",
        "Pedestrian and shared street projects: type of street, place name, opening date and path "
        "(GeoJSON)."),
    "quartiers-sociologiques": English(
        "Sociological neighbourhoods", "neighbourhoods, territory, society",
        "Boundaries of Montréal's sociological neighbourhoods (polygons). The GeoJSON file is encoded in "
        "Windows-1252, as originally published; the platform reads it all the same."),
    "comptages-de-velos-sur-les-pistes-cyclables": English(
        "Bicycle counts on bike paths", "bicycle, bike paths, counts, mobility",
        "Daily number of bicycles recorded by the automatic counters of the main bike paths, one column per "
        "counter and one row per day. The 2010 file is in Windows-1252 with semicolons, as originally "
        "published."),
    "comptages-cyclistes-2015": English(
        "Automatic cyclist counts, 2015", "bicycle, detection loops, counts",
        "Daily bicycle passages in 2015 at the detection loops, one column per counter."),
    "emplacements-des-compteurs-velo": English(
        "Bicycle counter locations", "bicycle, counters, locations",
        "Montréal's bicycle counters: name, status, type, year installed and coordinates (file in "
        "Windows-1252)."),
    "accidents-impliquant-des-cyclistes": English(
        "Accidents involving cyclists", "accidents, road safety, bicycle",
        "Road accidents involving cyclists on the island of Montréal: date, time, severity, number of "
        "victims, place and conditions."),
    "districts-electoraux-de-montreal": English(
        "Montréal electoral districts", "elections, electoral districts, municipal",
        "Montréal's municipal electoral districts as a shapefile (polygons in the MTQ's Québec Lambert "
        "projection, attribute table in Windows-1252), republished by Votepour.ca for its election tools.",
        "Reproduced under the terms of use of Élections Québec's website; copyright: Gouvernement du Québec "
        "(see LICENSE.txt)."),
    "contrats-publics-octroyes": English(
        "Public contracts awarded", "contracts, calls for tenders, public procurement",
        "Contracts awarded by public bodies and published on SEAO: notice number, body, supplier, amount "
        "and date. The file has no header row: its quality report says so."),
    "decompte-des-numeros-seao": English(
        "SEAO notice number counts", "SEAO, notices, contracts",
        "Number of contracts published under each SEAO notice number."),
    "forages-petroliers-et-gaziers": English(
        "Oil and gas wells", "drilling, wells, geology, research",
        "The 979 oil and gas wells drilled in Québec: name, year, geological region, coordinates (NAD83 in "
        "degrees-minutes-seconds and decimal), depth, elevation and status. A compilation used in "
        "research.",
        "The source repository states no licence; public data of the MERN, published under CC BY 4.0 on "
        "Données Québec."),
    "prestataires-du-programme-de-revenu-de-base": English(
        "Basic Income Program: recipients", "basic income, recipients, social solidarity",
        "Number of adults, children and recipients of the Basic Income Program and benefits paid, by "
        "characteristic (family situation, age, region), August 2025."),
    "adultes-du-programme-de-revenu-de-base": English(
        "Basic Income Program: adults", "basic income, adults, statistics",
        "Adult recipients of the Basic Income Program by characteristic, June to August 2025."),
    "prestataires-de-laide-financiere-de-dernier-recours": English(
        "Last-resort financial assistance recipients", "social assistance, recipients, social solidarity",
        "Adult recipients of all last-resort financial assistance programs: asylum seekers, women, men, "
        "average age and average cumulative duration, by characteristic, January to August 2025."),
    "programme-de-solidarite-sociale": English(
        "Social Solidarity Program: adults", "social solidarity, employment constraints, recipients",
        "Adult recipients of the Social Solidarity Program by characteristic, August 2025."),
    "programme-objectif-emploi": English(
        "Aim for Employment Program: adults", "aim for employment, employment, assistance",
        "Adults taking part in the Aim for Employment Program by characteristic, August 2025, and the "
        "2023-2025 monthly series as an Excel workbook."),
    "programme-daide-sociale": English(
        "Social Assistance Program: adults", "social assistance, adults, recipients",
        "Adult recipients of the Social Assistance Program by characteristic, August 2025."),
    "revenu-de-base-par-diagnostic": English(
        "Basic income: recipients by diagnosis", "basic income, diagnosis, severe constraints",
        "Recipients of the Basic Income Program by type of diagnosis, month by month from 2023 to 2024. A "
        "Windows-1252 file with semicolons, with spreadsheet errors (#REF!) left as they are."),
    "comptages-de-velos-2012-exercice": English(
        "Montréal bicycle counts, 2012 (exercise dataset)", "bicycle, teaching, exercise, data",
        "A copy of Montréal's 2012 daily bicycle counts used in data analysis courses: Windows-1252, "
        "semicolons, CRLF line endings, dd/mm/yyyy dates and empty columns.",
        "The source repository is under CC BY-SA 4.0; the data are the City of Montréal's (CC BY 4.0)."),
}
