"""Grading in two processes: the lesson's own cells run where the student's code cannot reach.

* :mod:`grader.trusted.channel`: the narrow data channel (no pickle: arrays as dtype, shape and
  bytes; numbers, strings, containers of those; handles; exceptions as type name and message);
* :mod:`grader.trusted.agent`: the student's side, sent as text into the sandboxed kernel;
* :mod:`grader.trusted.harness`: the trusted side, imported by the lesson's own kernel;
* :mod:`grader.trusted.policy`: which lessons use the two-process grader (``TRUSTED_LESSONS``).

The preprocessor that drives both kernels is :class:`grader.preprocessors.TrustedExecute`.
"""
