import os

from django.core.wsgi import get_wsgi_application

from ouvert.cli import prepare_data_dir

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouvert.settings.dev")
prepare_data_dir()  # the data dir and key, before the middleware looks for the static folder
application = get_wsgi_application()
