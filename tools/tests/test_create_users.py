"""The producer: commands on the user queue become users exactly once."""

import json

from conftest import AMQP_URI, USER_QUEUE, drain, emails, eventually, unique
from stack_tools import create_users


def test_confirmed_commands_become_one_user_each():
    commands = [create_users.command("Py %d" % i, "%s@example.com" % unique("py")) for i in range(3)]

    reports = create_users.publish(commands, AMQP_URI, USER_QUEUE)

    assert [r["confirmed"] for r in reports] == [True, True, True]
    assert [r["requestId"] for r in reports] == [c["requestId"] for c in commands]
    wanted = [c["email"] for c in commands]
    eventually("the users", lambda: all(e in emails() for e in wanted))
    assert sorted(e for e in emails() if e in wanted) == sorted(wanted)


def test_a_command_sent_twice_with_one_request_id_becomes_one_user_and_nothing_is_parked(amqp_channel):
    twice = create_users.command("Twice", "%s@example.com" % unique("twice"))
    # The stack under test consumes the queue one command at a time (USER_QUEUE_PREFETCH=1): once the command sent
    # after the two copies is a user, both copies have been handled.
    after = create_users.command("After", "%s@example.com" % unique("after"))

    reports = create_users.publish([twice, twice, after], AMQP_URI, USER_QUEUE)
    eventually("the command sent last to become a user", lambda: after["email"] in emails())

    assert all(r["confirmed"] for r in reports)
    assert emails().count(twice["email"]) == 1
    parked = [json.loads(body) for _, body in drain(amqp_channel, USER_QUEUE + ".dlq")]
    assert [p for p in parked if p.get("requestId") == twice["requestId"]] == []


def test_an_invalid_command_is_confirmed_then_parked_with_the_reason(amqp_channel):
    invalid = create_users.command("", unique("not-an-email"))

    reports = create_users.publish([invalid], AMQP_URI, USER_QUEUE)
    parked = []

    def parked_now():
        parked.extend(m for m in drain(amqp_channel, USER_QUEUE + ".dlq") if invalid["requestId"].encode() in m[1])
        return parked

    eventually("the parked command", parked_now)
    properties, body = parked[0]
    assert reports[0]["confirmed"] is True
    assert json.loads(body) == invalid
    assert "email" in properties.headers["x-reason"] and "name" in properties.headers["x-reason"]
    assert properties.headers["x-original-queue"] == USER_QUEUE


def test_the_command_line_reports_what_was_confirmed_and_fails_when_a_queue_is_missing(capsys):
    email = "%s@example.com" % unique("cli")
    ok = create_users.main(["--name", "Cli", "--email", email, "--request-id", unique("req"),
                            "--amqp-uri", AMQP_URI, "--queue", USER_QUEUE])
    ok_out = capsys.readouterr()
    missing = create_users.main(["--count", "1", "--amqp-uri", AMQP_URI, "--queue", unique("no-such-queue")])
    missing_out = capsys.readouterr()

    assert ok == 0
    assert json.loads(ok_out.out)["confirmed"] is True
    assert "confirmed 1 of 1" in ok_out.err
    assert missing == 1
    assert json.loads(missing_out.out)["confirmed"] is False
    assert "unroutable" in json.loads(missing_out.out)["error"]
    eventually("the user", lambda: email in emails())
