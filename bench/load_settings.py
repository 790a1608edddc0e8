"""Settings of the load benchmark's gunicorn: RBL's own settings, with one URL
added (`load_urls.py`) for the floor. Nothing else differs from the product.

    DJANGO_SETTINGS_MODULE=load_settings gunicorn --pythonpath bench rbl.wsgi:application …
"""

from rbl.settings import *  # noqa: F403

ROOT_URLCONF = "load_urls"
