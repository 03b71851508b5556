"""The grading kernel client: ready as soon as the kernel says so, and still strict about it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from jupyter_client.manager import AsyncKernelManager

from course.grading.kernel_client import ReadyKernelClient


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coroutine`` in a thread of its own: a browser test may have left an event loop running in this one."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def _started() -> AsyncKernelManager:
    manager = AsyncKernelManager(kernel_name="python3", client_class="course.grading.kernel_client.ReadyKernelClient")
    _run(manager.start_kernel())
    return manager


def test_a_kernel_is_ready_to_run_code_and_its_output_arrives_whole():
    manager = _started()
    try:
        async def run() -> tuple[float, list[str]]:
            client = manager.client()
            assert isinstance(client, ReadyKernelClient)
            client.start_channels()
            started = time.monotonic()
            await client.wait_for_ready(timeout=60)
            ready_s = time.monotonic() - started
            request = client.execute("print('first'); print('second')")
            texts = []
            while True:
                message = await client.get_iopub_msg(timeout=30)
                if message["parent_header"].get("msg_id") != request:
                    continue  # nothing of the readiness check is left over to be confused with this cell
                if message["msg_type"] == "stream":
                    texts.append(message["content"]["text"])
                if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                    break
            client.stop_channels()
            return ready_s, texts
        ready_s, texts = _run(run())
        assert "".join(texts) == "first\nsecond\n"
        assert ready_s < 30
    finally:
        _run(manager.shutdown_kernel(now=True))


def test_a_kernel_that_dies_before_answering_is_reported_not_waited_for():
    manager = _started()
    try:
        async def run() -> None:
            client = manager.client()
            client.start_channels()
            await manager.provisioner.kill()
            await client.wait_for_ready(timeout=60)
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="Kernel died before replying to kernel_info"):
            _run(run())
        assert time.monotonic() - started < 30
    finally:
        _run(manager.shutdown_kernel(now=True))
