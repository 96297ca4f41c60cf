"""The forms domain's error family, mapped to HTTP in one place (api/errors.py). Pure."""


class FormsError(Exception):
    """Base of every error the forms domain raises on purpose."""


class InvalidInput(FormsError):
    """A value the rules refuse, named by its field (a questionnaire item, say): 422."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class NotAllowed(FormsError):
    """A command the state of a form or flag does not allow: 409."""

    def __init__(self, action: str, state: str, subject: str = "form"):
        super().__init__(f"Cannot {action}: the {subject} is {state}")


class NotFound(FormsError):
    """404."""


class LinkRefused(FormsError):
    """A client link that cannot be used: unknown (404), used or expired (410), or not the
    link of this form (403). Nothing is stored."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


class RoleRefused(FormsError):
    """The actor's role may not do this (403)."""
