"""JupyterHub configuration of the course (``make hub``, ``python -m grader hub``, the systemd unit).

Everything is computed by :func:`grader.hub.deploy.configure` from the course model; this file only
reads where the course is and where to listen:
  NNFS_HUB_COURSE   the course folder (default: the repository)
  NNFS_HUB_IP       address to bind (default 127.0.0.1)     NNFS_HUB_PORT  port (default 8000)
  NNFS_HUB_SSL_CERT / NNFS_HUB_SSL_KEY   HTTPS with the instructor's certificate
  NNFS_HUB_CULL_TIMEOUT  seconds before an idle server is stopped (default 3600)
and the course's own NNFS_* settings (NNFS_DB_URL for a PostgreSQL gradebook, NNFS_EXCHANGE, ...).
"""

import os
import sys

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_COURSE = os.environ.get("NNFS_HUB_COURSE") or _REPO
if _REPO not in sys.path:  # this file's own grader package (not the course folder's copy)
    sys.path.insert(0, _REPO)

from grader.course import Course  # noqa: E402
from grader.hub import deploy  # noqa: E402

c = get_config()  # noqa: F821
deploy.configure(
    c,
    Course.load(_COURSE),
    ip=os.environ.get("NNFS_HUB_IP", "127.0.0.1"),
    port=int(os.environ.get("NNFS_HUB_PORT", "8000")),
)
