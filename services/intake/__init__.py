"""The intake service: a client's journey from first enquiry to discharge."""

SERVICE = "intake"
