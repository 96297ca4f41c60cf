"""E2e tests share the session's stack (tests/conftest.py); each test reads Kafka, the ledger
and the logs from where they stood when it began (tests/support), so none depends on
another's traffic or runs in a fixed order."""
