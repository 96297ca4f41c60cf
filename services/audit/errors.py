"""The audit service's error family; the API maps each to an HTTP status in one place."""


class AuditError(Exception):
    status = 400
    title = "The request cannot be answered"


class NotFound(AuditError):
    status = 404
    title = "Not found"


class NoCheckpointYet(NotFound):
    title = "No checkpoint has been issued yet"


class InvalidRequest(AuditError):
    status = 422
    title = "The request is not valid"


class LedgerCorrupted(AuditError):
    """Storage does not hold what the ledger wrote: never sign or extend such a tree."""

    status = 500
    title = "The ledger's storage is inconsistent"


class NotYetCheckpointed(AuditError):
    status = 409
    title = "Not covered by that checkpoint"


class SigningRefused(LedgerCorrupted):
    """A check before signing failed; nothing is signed until a person resolves the alarm."""

    status = 503
    title = "Checkpoint signing is stopped"
