import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "himswasthya.settings")
application = get_asgi_application()

# Rate limits and lockouts need a cache shared by all workers (core.E001); a WSGI/ASGI server runs no checks.
from himswasthya.core.checks import refuse_to_serve_without_a_shared_cache  # noqa: E402

refuse_to_serve_without_a_shared_cache()
