"""A client of the gateway's TCP event-bus bridge (BRIDGE_PORT).

Each frame, both ways: a 4-byte big-endian length, then that many bytes of UTF-8 JSON. A request is
{"type": "send", "address", "replyAddress", "body"}; its reply {"type": "message", "address": <replyAddress>, "body"}
or {"type": "err", "address": <replyAddress>, "failureCode", "message"}; {"type": "register", "address"} subscribes.
"""

import json
import socket
import struct
import uuid


class BridgeError(Exception):
    """An err frame: failure_code is the HTTP status the service meant (404, 400), or None (e.g. access_denied)."""

    def __init__(self, frame):
        super().__init__(frame.get("message", "bridge error"))
        self.failure_code = frame.get("failureCode")


def encode(frame):
    data = json.dumps(frame).encode("utf-8")
    return struct.pack(">I", len(data)) + data


class Bridge:
    """One blocking connection to the bridge; frames for registered addresses that arrive while waiting for a reply
    are kept for next_message()."""

    def __init__(self, host, port, timeout=10.0, token=None):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""
        self.messages = []
        # With AUTH_MODE=jwt at the gateway, every frame carries a token with users:read.
        self.headers = {"authorization": "Bearer " + token} if token else None

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def write(self, frame):
        self.sock.sendall(encode(frame))

    def read(self, timeout=None):
        """The next frame; socket.timeout when none arrives in time, ConnectionError when the bridge closed."""
        self.sock.settimeout(timeout if timeout is not None else 10.0)
        while True:
            if len(self.buffer) >= 4:
                (length,) = struct.unpack(">I", self.buffer[:4])
                if len(self.buffer) >= 4 + length:
                    frame = json.loads(self.buffer[4:4 + length].decode("utf-8"))
                    self.buffer = self.buffer[4 + length:]
                    return frame
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the bridge closed the connection")
            self.buffer += chunk

    def request(self, address, body, timeout=10.0):
        """Sends a request and returns the reply's body; raises BridgeError for an err frame."""
        reply_address = "reply-" + str(uuid.uuid4())
        self.write(self.with_headers({"type": "send", "address": address, "replyAddress": reply_address, "body": body}))
        while True:
            frame = self.read(timeout)
            if frame.get("address") == reply_address or (frame.get("type") == "err" and "address" not in frame):
                if frame.get("type") == "err":
                    raise BridgeError(frame)
                return frame.get("body")
            if frame.get("type") == "message":
                self.messages.append(frame)

    def register(self, address):
        """Subscribes to address; returns once the bridge handled it (a ping answered after it)."""
        self.write(self.with_headers({"type": "register", "address": address}))
        self.write({"type": "ping"})
        while True:
            frame = self.read()
            if frame.get("type") == "pong":
                return
            if frame.get("type") == "err":
                raise BridgeError(frame)
            if frame.get("type") == "message":
                self.messages.append(frame)

    def with_headers(self, frame):
        if self.headers:
            frame["headers"] = dict(self.headers)
        return frame

    def next_message(self, timeout=None):
        """The next frame of a registered address (socket.timeout when none comes in time)."""
        if self.messages:
            return self.messages.pop(0)
        while True:
            frame = self.read(timeout)
            if frame.get("type") == "message":
                return frame
