# The course's nbgrader configuration lives in grader/nbgrader_config.py; this stub makes every
# nbgrader command and `jupyter lab` started from the repository root find it.
import os

c = get_config()  # noqa: F821
load_subconfig(os.path.join(os.path.dirname(os.path.abspath(__file__)), "grader", "nbgrader_config.py"))  # noqa: F821
