"""Errors that are never the fault of the message being handled.

A consumer that meets one of these stops, says so in its health and metrics, and retries
with backoff; it never sends the message to the dead letters, because the same message
would succeed once the fault is fixed (or needs a person, not a replay).
"""


class NotTheMessagesFault(Exception):
    """An error that must never send a message to the dead letters: stop and retry."""
