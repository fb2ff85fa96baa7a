"""The bridge subscriber: every created user once, in position order, with its token (the stack runs AUTH_MODE=jwt)."""

import io
import json
import os
import subprocess
import sys

import pytest

from conftest import BRIDGE_HOST, BRIDGE_PORT, TOOLS_TOKEN, create_user, forged
from stack_tools.bridge import Bridge, BridgeError
from stack_tools.feed import follow

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def feed_command_line(args, token):
    """Runs `python3 -m stack_tools.feed` as a user would, with SERVICE_TOKEN set to token (unset when None)."""
    env = {k: v for k, v in os.environ.items() if k != "SERVICE_TOKEN"}
    if token:
        env["SERVICE_TOKEN"] = token
    return subprocess.run([sys.executable, "-m", "stack_tools.feed", "--host", BRIDGE_HOST, "--port", str(BRIDGE_PORT)]
                          + args, cwd=TOOLS, env=env, capture_output=True, text=True, timeout=60)


def test_follow_prints_the_users_created_after_the_start_in_order_with_positions():
    with Bridge(BRIDGE_HOST, BRIDGE_PORT, token=TOOLS_TOKEN) as bridge:
        start = bridge.request("users.feed", {"last": 0})["position"]
        created = [create_user("Feed%d" % i) for i in range(3)]
        out = io.StringIO()

        last = follow(bridge, start, out, poll_seconds=0.2, stop_after=3)

    printed = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [u["email"] for u in printed] == [u["email"] for u in created]
    assert all(u["position"] for u in printed)
    assert last == printed[-1]["position"]


def test_the_command_line_with_service_token_resumes_after_a_position():
    with Bridge(BRIDGE_HOST, BRIDGE_PORT, token=TOOLS_TOKEN) as bridge:
        start = bridge.request("users.feed", {"last": 0})["position"]
    created = [create_user("Resume%d" % i) for i in range(2)]

    result = feed_command_line(["--resume", start, "--count", "2", "--poll", "0.2"], TOOLS_TOKEN)

    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["email"] for line in result.stdout.splitlines()] == [u["email"] for u in created]


@pytest.mark.parametrize("token", [None, "forged"])
def test_the_command_line_without_service_token_or_with_a_forged_one_is_refused_and_prints_no_user(token):
    with Bridge(BRIDGE_HOST, BRIDGE_PORT, token=TOOLS_TOKEN) as bridge:
        start = bridge.request("users.feed", {"last": 0})["position"]
    create_user("Refused")

    result = feed_command_line(["--resume", start, "--count", "1", "--poll", "0.2"],
                               forged(TOOLS_TOKEN) if token else None)

    assert result.returncode == 1
    assert result.stdout == ""
    assert "the bridge refused: blocked by bridgeEvent handler" in result.stderr


def test_a_frame_without_a_token_or_with_a_forged_one_is_refused_and_with_the_service_token_answered():
    refusals = []
    for token in (None, forged(TOOLS_TOKEN)):
        with Bridge(BRIDGE_HOST, BRIDGE_PORT, token=token) as bridge:
            for attempt in (lambda: bridge.request("users.feed", {"last": 0}), lambda: bridge.register("users.created")):
                with pytest.raises(BridgeError) as refused:
                    attempt()
                refusals.append(str(refused.value))
    with Bridge(BRIDGE_HOST, BRIDGE_PORT, token=TOOLS_TOKEN) as bridge:
        page = bridge.request("users.feed", {"last": 0})
        bridge.register("users.created")

    assert refusals == ["blocked by bridgeEvent handler"] * 4
    assert page["position"]


def test_an_address_off_the_allow_list_is_refused_even_with_a_token():
    with Bridge(BRIDGE_HOST, BRIDGE_PORT, token=TOOLS_TOKEN) as bridge:
        with pytest.raises(BridgeError) as refused:
            bridge.request("slack.messages", {"channel": "#user"})

    assert str(refused.value) == "access_denied"
