"""The forms service: questionnaires before each session and at the end of therapy, their
scores and outcomes, and the risk flags they raise (issue 11)."""

SERVICE = "forms"
