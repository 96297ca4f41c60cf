"""`make demo`: one site's month driven through the gateway, as the staff apps and the
clients' phones would, with tokens of the development realm's demo staff from Keycloak."""
