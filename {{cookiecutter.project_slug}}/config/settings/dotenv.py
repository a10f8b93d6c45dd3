"""Load the developer's .env file into the environment: local and test settings only.

Import this before .base, which reads its values from the environment. A
variable really set in the environment wins over the file (read_env never
overwrites one). Production settings never import this module: a server is
configured by its real environment alone, so a developer's .env left in the
folder (DJANGO_DEBUG=true, a local database) cannot reach it.
"""

from pathlib import Path

import environ

# .env sits next to manage.py, two folders above this file.
environ.Env.read_env(Path(__file__).resolve().parents[2] / ".env")
