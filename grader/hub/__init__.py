"""A class on one server: the course's JupyterHub deployment (``make hub``, ``python -m grader hub``).

- :mod:`grader.hub.roster`: who may log in, as student or instructor (``python -m grader roster``).
"""
