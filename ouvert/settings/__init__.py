"""Settings are split by profile: ``base`` (everything, read from the environment), ``dev``
(embedded default), ``test`` and ``prod``. ``DJANGO_SETTINGS_MODULE`` picks one; the ``ouvert``
command defaults to ``ouvert.settings.dev``."""
