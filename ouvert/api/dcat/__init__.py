"""Linked-data metadata: DCAT-AP 3.0 (Turtle, JSON-LD, RDF/XML), schema.org and Frictionless.

Everything is built from CKAN-shaped package dictionaries (the pivot format of the compatible
API), so the same code describes local datasets and reads harvested ones."""
