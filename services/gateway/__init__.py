"""The gateway: the one door of staff apps (issue 12). It authenticates a bearer token of the
charity's OpenID Connect provider, decides by one policy table (policy.py) whether the caller
may do what a route does to the case, site or therapist it names, passes the request to the
service with a signed identity assertion (shared/identity.py), and records every read of a
case as an access event on its own topic, so the audit ledger shows who saw what."""

SERVICE = "gateway"
