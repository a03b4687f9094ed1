"""PAM logins for exactly the people on the class roster, with their nbgrader group.

A Unix account alone does not let anyone in: the roster (``<state>/roster.json``, read at every
login, so ``python -m grader roster`` takes effect without a restart) says who is a student
(group ``nbgrader-<course>``) and who an instructor or TA (group ``formgrade-<course>``, which
reaches the course service: formgrader). The hub keeps the groups in step at each login
(``Authenticator.manage_groups``).
"""

from __future__ import annotations

from jupyterhub.auth import PAMAuthenticator
from traitlets import Unicode

from grader.hub import roster


class RosterPAMAuthenticator(PAMAuthenticator):
    state_dir = Unicode(help="the course's state folder (holds roster.json)").tag(config=True)
    course_id = Unicode(help="the nbgrader course id").tag(config=True)

    def _role(self, username: str) -> str | None:
        return roster.role_of(roster.load(self.state_dir), username)

    def check_allowed(self, username, authentication=None):
        return self._role(username) is not None

    async def authenticate(self, handler, data):
        username = await super().authenticate(handler, data)
        if isinstance(username, dict):
            username = username.get("name")
        if not username:
            return None
        role = self._role(username)
        if role is None:
            self.log.warning("%s has a Unix account but is not on the class roster: login refused", username)
            return None
        group = f"formgrade-{self.course_id}" if role == "instructor" else f"nbgrader-{self.course_id}"
        return {"name": username, "groups": [group]}
