"""SandboxedExecute: nbgrader's Execute with every kernel started in the bubblewrap sandbox.

Named in ``c.Autograde.autograde_preprocessors`` (grader/nbgrader_config.py), so that every way of
autograding (``python -m grader autograde``, a plain ``nbgrader autograde``, formgrader's button)
runs student code through it. The kernel is started by the ``nnfs-sandbox`` kernel spec
(:func:`grader.sandbox.kernel_spec_dict`, the launcher :mod:`grader.sandbox_kernel`), with the
course's folders to hide (:func:`grader.sandbox.course_hidden_paths`, from this same configuration)
and the resource limits passed in its environment. A whole notebook gets ``NNFS_NOTEBOOK_TIMEOUT``
seconds (default 1800) besides the per-cell timeout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from nbclient.util import run_sync
from nbgrader.preprocessors import Execute

from grader import sandbox


class SandboxedExecute(Execute):
    """nbgrader's Execute, with every kernel started in the bubblewrap sandbox.

    Where the sandbox is unavailable it refuses (:class:`grader.sandbox.SandboxUnavailable`) unless
    ``NNFS_UNSAFE=1``; then it runs a plain ``python3`` kernel and says so in the log.
    """

    def preprocess(self, nb, resources, *args, **kwargs):
        # Nothing in a sandboxed kernel is worth a graceful shutdown: kill it when done.
        self.shutdown_kernel = "immediate"
        # A whole notebook gets NNFS_NOTEBOOK_TIMEOUT seconds (default 1800): many cells that each
        # sleep just under the cell timeout cannot hold a worker for hours.
        self._deadline = None  # set when the first cell runs (kernel start-up does not count)
        self._sandboxed = sandbox.require()
        if not self._sandboxed:
            self.log.warning(
                "NNFS_UNSAFE is set and the sandbox is unavailable: running student code WITHOUT a sandbox"
            )
        return super().preprocess(nb, resources, *args, **kwargs)

    def hidden_paths(self) -> list[str]:
        """The folders the kernel must not see, from this preprocessor's configuration."""
        hide = sandbox.course_hidden_paths(self.config)
        extra = os.environ.get(sandbox.HIDE_ENV, "")
        return hide + [p for p in extra.split(os.pathsep) if p]

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        if getattr(self, "_deadline", None) is None:
            self._deadline = time.monotonic() + float(os.environ.get("NNFS_NOTEBOOK_TIMEOUT", "1800"))
        left = max(1, int(self._deadline - time.monotonic()))
        return left if timeout is None else min(timeout, left)

    def create_kernel_manager(self):
        if not getattr(self, "_sandboxed", True):
            self.kernel_name = "python3"
            return super().create_kernel_manager()
        self.kernel_name = sandbox.KERNEL_NAME
        self._socket_dir = tempfile.mkdtemp(prefix="nnfs-kernel-")
        km = AsyncKernelManager(kernel_name=sandbox.KERNEL_NAME, config=self.config)
        km._kernel_spec = KernelSpec(resource_dir="", **sandbox.kernel_spec_dict())
        km.transport = "ipc"
        km.connection_file = os.path.join(self._socket_dir, "kernel.json")
        km.ip = os.path.join(self._socket_dir, "k")
        self.km = km
        return km

    def workdir(self, kwargs=None) -> str:
        kwargs = kwargs or {}
        return kwargs.get("cwd") or self.resources.get("metadata", {}).get("path") or os.getcwd()

    async def async_start_new_kernel(self, **kwargs):
        if getattr(self, "_sandboxed", False):
            kwargs["cwd"] = self.workdir(kwargs)
            kwargs["env"] = sandbox.launcher_env(self.hidden_paths())
            kwargs["stdout"] = subprocess.DEVNULL  # ipykernel's connection banner
        return await super().async_start_new_kernel(**kwargs)

    async def _async_cleanup_kernel(self):
        try:
            await super()._async_cleanup_kernel()
        finally:
            folder = getattr(self, "_socket_dir", None)
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
                self._socket_dir = None

    # nbclient binds the sync wrappers to its own coroutines at class creation: rebind them here
    # (setup_kernel calls start_new_kernel: without this, the override above would never run).
    start_new_kernel = run_sync(async_start_new_kernel)
    _cleanup_kernel = run_sync(_async_cleanup_kernel)
