"""The CKAN-compatible Action API (``/api/3/action/<name>``).

Every supported action is listed in :data:`ouvert.api.ckan.registry.ACTIONS`; nothing else is
reachable. Handlers take a :class:`~ouvert.api.ckan.registry.Context` and the request's data dict,
call the apps' services and selectors (so permissions are those of the web UI), and return
CKAN-shaped dictionaries."""
