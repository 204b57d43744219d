"""Errors the user must fix (a wrong path, setting or address): the CLI prints them as one line and exits 2.

Anything else that escapes a command is a bug and keeps its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with the input, the configuration or the environment, told in words a user can act on."""


class KafkaUnreachable(UserError):
    pass


class PortInUse(UserError):
    pass
