"""The WSGI entry point `recueil serve` hands to waitress (or any WSGI server).

It selects the web settings unless a Django project already chose its own.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recueil.web.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
