"""A kernel client that knows a kernel is ready as soon as the kernel says so.

Before running a notebook, jupyter_client's ``wait_for_ready`` asks the kernel
for its ``kernel_info``, then waits until IOPub has been silent for 0.2 s, so that
it knows IOPub is connected and drained (and 0.2 s more whenever IOPub was not yet
connected). A kernel forked from the worker's zygote answers quickly and then has
nothing more to say, so that silence was a large part of each graded notebook's
wait for its kernel (measured: docs/benchmarks.md).

:class:`ReadyKernelClient` waits for the same two facts by their messages: the
``kernel_info_reply`` to its own request on the shell channel, and on IOPub the
``idle`` status the kernel publishes once it has finished with that request (the
kernel sends every IOPub message of a request before that status). If that status
does not come soon after the reply (IOPub was not yet connected when the kernel sent
it), it asks again, as jupyter_client does, and takes the reply and ``idle`` status
of any of its requests, so a slow kernel is never asked in vain. A kernel that dies
first raises jupyter_client's own error ("Kernel died before replying to kernel_info").
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient

REPLY_WAIT_S = 1.0  # as jupyter_client: how long one kernel_info request is waited for
IOPUB_WAIT_S = 0.05  # how long IOPub may stay silent after a reply before asking again (jupyter_client: 0.2)


class ReadyKernelClient(AsyncKernelClient):
    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        asked: set[str] = set()
        while True:
            asked.add(self.kernel_info())
            reply = await self._next(self.shell_channel, asked, "kernel_info_reply", REPLY_WAIT_S)
            if reply is not None and await self._next(self.iopub_channel, asked, "status", IOPUB_WAIT_S,
                                                      state="idle") is not None:
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

    @staticmethod
    async def _next(channel: Any, asked: set[str], kind: str, wait_s: float,
                    state: str | None = None) -> dict[str, Any] | None:
        """The first message of type ``kind`` answering one of the ``asked`` requests within ``wait_s``;
        any other message is dropped."""
        until = time.monotonic() + wait_s
        while (left := until - time.monotonic()) > 0:
            try:
                message: dict[str, Any] = await channel.get_msg(timeout=left)
            except Empty:
                return None
            if (message["msg_type"] == kind and message["parent_header"].get("msg_id") in asked
                    and (state is None or message["content"].get("execution_state") == state)):
                return message
        return None
