"""Puts create-user commands {"name", "email", "requestId"} on the stack's `user` queue, with publisher confirms,
and reports what the broker confirmed.

    python3 -m stack_tools.create_users --count 3                          # 3 generated users
    echo '{"name": "Ada", "email": "ada@example.com"}' | python3 -m stack_tools.create_users -   # JSON lines
    python3 -m stack_tools.create_users --name Ada --email ada@example.com --request-id req-1

Each command gets a requestId (a UUID unless given): the stack creates one user per requestId, so sending a command
again (e.g. after a publish whose confirm never came) is safe. The queue is fire and forget: a confirmed command is
safely in RabbitMQ, not yet a user; an invalid one ends in `user.dlq` with the reason. One JSON line per command on
stdout ({"requestId", "email", "confirmed", "error"?}), then a summary on stderr; the exit code is 1 when one was not
confirmed.
"""

import argparse
import json
import os
import sys
import uuid

import pika
from pika.exceptions import AMQPError, NackError, UnroutableError


def command(name, email, request_id=None):
    """A create-user command (contracts/schemas/create-user-command.json)."""
    return {"name": name, "email": email, "requestId": request_id or str(uuid.uuid4())}


def publish(commands, amqp_uri, queue="user"):
    """Publishes each command persistent and mandatory, waiting for the broker's confirm; returns one report per command."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        reports = []
        for cmd in commands:
            report = {"requestId": cmd["requestId"], "email": cmd["email"], "confirmed": False}
            try:
                channel.basic_publish(
                    exchange="", routing_key=queue, body=json.dumps(cmd).encode("utf-8"), mandatory=True,
                    properties=pika.BasicProperties(content_type="application/json", delivery_mode=2,
                                                    message_id=cmd["requestId"]))
                report["confirmed"] = True
            except UnroutableError:
                report["error"] = "unroutable: no queue %r" % queue
            except NackError:
                report["error"] = "nacked by the broker"
            reports.append(report)
        return reports
    finally:
        try:
            connection.close()
        except AMQPError:
            pass


def main(argv=None):
    parser = argparse.ArgumentParser(description="Put create-user commands on the stack's user queue, with confirms.")
    parser.add_argument("input", nargs="?", help="'-': read commands as JSON lines from stdin")
    parser.add_argument("--count", type=int, default=0, help="generate this many users")
    parser.add_argument("--name", help="one user's name")
    parser.add_argument("--email", help="one user's email")
    parser.add_argument("--request-id", help="its requestId (default: a new UUID)")
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672"))
    parser.add_argument("--queue", default=os.environ.get("USER_QUEUE", "user"))
    args = parser.parse_args(argv)

    commands = []
    if args.input == "-":
        for line in sys.stdin:
            if line.strip():
                given = json.loads(line)
                commands.append(command(given.get("name"), given.get("email"), given.get("requestId")))
    if args.name or args.email:
        commands.append(command(args.name, args.email, args.request_id))
    for _ in range(args.count):
        tag = uuid.uuid4().hex[:8]
        commands.append(command("User " + tag, "user-%s@example.com" % tag))
    if not commands:
        parser.error("nothing to send: give --count, --name/--email, or '-' and JSON lines")

    reports = publish(commands, args.amqp_uri, args.queue)
    for report in reports:
        print(json.dumps(report), flush=True)
    confirmed = sum(1 for r in reports if r["confirmed"])
    print("confirmed %d of %d commands on queue %r" % (confirmed, len(reports), args.queue), file=sys.stderr)
    return 0 if confirmed == len(reports) else 1


if __name__ == "__main__":
    sys.exit(main())
