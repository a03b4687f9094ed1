"""`python -m grader roster import|list|remove`: the class roster of a hub deployment.

    python -m grader roster import students.csv                     # id,first_name,last_name,email[,password]
    python -m grader roster import students.csv --create-accounts   # also their Unix accounts (as root)
    python -m grader roster import staff.csv --instructors          # instructors and TAs (formgrader)
    python -m grader roster list
    python -m grader roster remove ana                              # no more logins; grades kept

Exactly the people on the roster may log in to the hub (students get the Assignments panel and
Validate; instructors formgrader). A file with any bad line is refused as a whole, each bad line
listed with its reason. See :mod:`grader.hub.roster`.
"""

from __future__ import annotations

import sys

from grader import course as course_model
from grader.course import Course, CourseError


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="roster_command", metavar="action")
    imp = sub.add_parser("import", help="import students (or --instructors) from a CSV file")
    imp.add_argument("csv", metavar="FILE.csv", help="header: id,first_name,last_name,email[,password]")
    imp.add_argument("--instructors", action="store_true", help="the file lists instructors and TAs")
    imp.add_argument(
        "--create-accounts",
        action="store_true",
        help="also create their Unix accounts (root; home 0700; the file's password or a locked one)",
    )
    course_model.add_arguments(imp)
    lst = sub.add_parser("list", help="everyone on the roster, with their role and Unix account")
    course_model.add_arguments(lst)
    rem = sub.add_parser("remove", help="take someone off the roster (their grades stay)")
    rem.add_argument("id", metavar="ID")
    course_model.add_arguments(rem)


def run(args) -> int:
    from grader.hub import roster

    if not getattr(args, "roster_command", None):
        print("roster: say import FILE.csv, list or remove ID (python -m grader roster --help)", file=sys.stderr)
        return 2
    try:
        course = Course.from_args(args)
        if args.roster_command == "import":
            done = roster.import_people(
                course.state, course, args.csv, instructors=args.instructors, create_accounts=args.create_accounts
            )
            print(
                f"roster: {len(done['imported'])} {done['role']} imported ({len(done['new'])} new"
                f"{', ' + str(len(done['accounts_created'])) + ' Unix accounts created' if args.create_accounts else ''})"
                f"; roster {roster.roster_path(course.state)}"
            )
            return 0
        if args.roster_command == "list":
            data = roster.load(course.state, course.course_id)
            rows = [
                (user, role[:-1], rec)
                for role in ("instructors", "students")
                for user, rec in sorted(data[role].items())
            ]
            rows += [(user, "removed", rec) for user, rec in sorted(data["removed"].items())]
            print(f"{'id':<20} {'role':<11} {'account':<8} {'name':<30} email")
            for user, role, rec in rows:
                name = f"{rec.get('first_name', '')} {rec.get('last_name', '')}".strip()
                account = "yes" if roster.account_exists(user) else "no"
                print(f"{user:<20} {role:<11} {account:<8} {name:<30} {rec.get('email', '')}")
            counts = {k: len(data[k]) for k in ("students", "instructors", "removed")}
            print(
                f"{counts['students']} students, {counts['instructors']} instructors/TAs, {counts['removed']} removed"
            )
            return 0
        role = roster.remove(course.state, course.course_id, args.id)
        print(f"roster: {args.id} ({role}) removed: no more logins; their grades stay in the gradebook")
        return 0
    except roster.RosterError as err:
        print(f"roster: {err}", file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except CourseError as err:
        return course_model.fail("roster", err)
