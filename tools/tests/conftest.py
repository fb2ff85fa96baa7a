"""What the tests share: the stack under test, from the environment services/run-polyglot-tests.sh sets."""

import base64
import hashlib
import hmac
import json
import os
import time
import urllib.request
import uuid

import pika
import pytest


def _required(name):
    value = os.environ.get(name)
    if not value:
        pytest.exit("%s is not set: run the tests through services/run-polyglot-tests.sh (it starts a stack)" % name, 2)
    return value


GATEWAY_URL = _required("GATEWAY_URL")
BRIDGE_HOST = os.environ.get("BRIDGE_HOST", "127.0.0.1")
BRIDGE_PORT = int(_required("BRIDGE_PORT"))
AMQP_URI = _required("AMQP_URI")
USER_QUEUE = _required("USER_QUEUE")
# The stack runs with AUTH_MODE=jwt: the feed reader's token (users:read), and the tests' own token for creating and
# reading users (users:read users:write), minted by the script with the jar.
TOOLS_TOKEN = _required("TOOLS_TOKEN")
TEST_TOKEN = _required("TEST_TOKEN")


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def eventually(what, check, timeout=30.0, interval=0.1):
    """Polls check() until it returns something truthy (returned), failing after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(interval)


def http_json(method, path, body=None):
    request = urllib.request.Request(GATEWAY_URL + path, method=method,
                                     data=None if body is None else json.dumps(body).encode("utf-8"),
                                     headers={"Content-Type": "application/json",
                                              "Authorization": "Bearer " + TEST_TOKEN})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read().decode("utf-8"))


def forged(token):
    """token with its header and claims (subject, scopes, expiry) unchanged, signed with a key the gateway does not know."""
    signed = token.rsplit(".", 1)[0]
    signature = hmac.new(os.urandom(32), signed.encode("ascii"), hashlib.sha256).digest()
    return signed + "." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")


def create_user(name):
    status, user = http_json("POST", "/users", {"name": name, "email": "%s@example.com" % unique(name.lower())})
    assert status == 201
    return user


def all_users():
    """Every user, paging through GET /users."""
    users, after = [], 0
    while after is not None:
        _, page = http_json("GET", "/users?after=%d&limit=100" % after)
        users.extend(page["items"])
        after = page["next"]
    return users


def emails():
    return [user["email"] for user in all_users()]


@pytest.fixture
def amqp_channel():
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URI))
    yield connection.channel()
    connection.close()


def drain(channel, queue):
    """Takes every message now in queue (acked), as (properties, body) pairs."""
    messages = []
    while True:
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            return messages
        messages.append((properties, body))
