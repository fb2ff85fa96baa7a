"""The bridge subscriber: every created user once, in position order."""

import io
import json
import os
import subprocess
import sys

import pytest

from conftest import BRIDGE_HOST, BRIDGE_PORT, create_user
from stack_tools.bridge import Bridge, BridgeError
from stack_tools.feed import follow


def test_follow_prints_the_users_created_after_the_start_in_order_with_positions():
    with Bridge(BRIDGE_HOST, BRIDGE_PORT) as bridge:
        start = bridge.request("users.feed", {"last": 0})["position"]
        created = [create_user("Feed%d" % i) for i in range(3)]
        out = io.StringIO()

        last = follow(bridge, start, out, poll_seconds=0.2, stop_after=3)

    printed = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [u["email"] for u in printed] == [u["email"] for u in created]
    assert all(u["position"] for u in printed)
    assert last == printed[-1]["position"]


def test_the_command_line_resumes_after_a_position():
    with Bridge(BRIDGE_HOST, BRIDGE_PORT) as bridge:
        start = bridge.request("users.feed", {"last": 0})["position"]
    created = [create_user("Resume%d" % i) for i in range(2)]

    tools = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-m", "stack_tools.feed", "--host", BRIDGE_HOST, "--port", str(BRIDGE_PORT),
                             "--resume", start, "--count", "2", "--poll", "0.2"],
                            cwd=tools, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["email"] for line in result.stdout.splitlines()] == [u["email"] for u in created]


def test_an_address_off_the_allow_list_is_refused():
    with Bridge(BRIDGE_HOST, BRIDGE_PORT) as bridge:
        with pytest.raises(BridgeError) as refused:
            bridge.request("slack.messages", {"channel": "#user"})

    assert str(refused.value) == "access_denied"
