"""The one place where the intake service's errors get their HTTP status; the builder
(shared/service.py) turns them into problem details: InvalidInput is a 422 naming its field,
a command the case's stage does not allow a 409 naming the stage. Errors every service
shares (bad input, the store's conflicts, a busy database) are mapped in shared/."""

from services.intake.errors import IntakeError, InvalidInput, NotAllowed, NotFound

ERRORS: dict[type[Exception], int] = {
    InvalidInput: 422,
    NotAllowed: 409,
    NotFound: 404,
    IntakeError: 400,
}
