"""`python3 -m stack_tools.cli create_users|feed [args]`: the entry point of the tools' container image."""

import sys

from stack_tools import create_users, feed


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    tools = {"create_users": create_users.main, "feed": feed.main}
    if not argv or argv[0] not in tools:
        print("usage: create_users|feed [--help]", file=sys.stderr)
        return 2
    return tools[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
