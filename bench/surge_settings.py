"""Settings of ``bench/consultation_surge.py``'s server: the production profile, plus one URL that
exists only in the bench (:mod:`bench.surge_urls`), the framework floor the surge is compared with."""

from ouvert.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.surge_urls"
