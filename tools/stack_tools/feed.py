"""Prints the stack's created users as they come, one JSON line each, through the gateway's TCP event-bus bridge.

    python3 -m stack_tools.feed --port 7000                  # from now on
    python3 -m stack_tools.feed --port 7000 --resume 7-42    # everything after a position printed before

`users.created` arrives in commit order, not position order, and is not durable, so it is only a wake-up: on each
one (and every --poll seconds anyway) the reader asks `users.feed` for the users after the last position it printed.
So it prints every user once, in position order, with nothing missing; stop it and --resume with the last
"position" to continue.

With AUTH_MODE=jwt at the gateway, SERVICE_TOKEN must hold a token with users:read: every frame carries it. A refused
frame ends the reader with exit code 1 and the bridge's answer on stderr.
"""

import argparse
import json
import os
import socket
import sys

from stack_tools.bridge import Bridge, BridgeError


def follow(bridge, position, out, poll_seconds=1.0, stop_after=None):
    """Prints users after position until stop_after users were printed (forever when None); returns the last position."""
    printed = 0
    bridge.register("users.created")
    if position is None:
        position = bridge.request("users.feed", {"last": 0})["position"]
    while stop_after is None or printed < stop_after:
        page = bridge.request("users.feed", {"after": position, "limit": 1000})
        for user in page["items"]:
            out.write(json.dumps(user) + "\n")
            out.flush()
            printed += 1
        position = page["position"]
        if page["items"] and len(page["items"]) == 1000:
            continue
        try:
            bridge.next_message(timeout=poll_seconds)
            bridge.messages.clear()  # one read after a wake-up covers every announcement so far
        except socket.timeout:
            pass
    return position


def main(argv=None):
    parser = argparse.ArgumentParser(description="Print created users live, through the event-bus bridge.")
    parser.add_argument("--host", default=os.environ.get("BRIDGE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BRIDGE_PORT", "7000")))
    parser.add_argument("--resume", help="a position printed before: start after it")
    parser.add_argument("--poll", type=float, default=1.0, help="read the feed at least this often (seconds)")
    parser.add_argument("--count", type=int, help="stop after this many users")
    args = parser.parse_args(argv)
    with Bridge(args.host, args.port, token=os.environ.get("SERVICE_TOKEN") or None) as bridge:
        try:
            follow(bridge, args.resume, sys.stdout, args.poll, args.count)
        except KeyboardInterrupt:
            pass
        except BridgeError as e:
            print("feed: the bridge refused: %s (with AUTH_MODE=jwt, SERVICE_TOKEN needs a token with users:read)" % e,
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
