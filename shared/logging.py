"""Structured logging with structlog; the correlation id rides in contextvars."""

import logging
import re
import sys
import uuid
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog

CORRELATION_HEADER = "X-Correlation-ID"
QUERY_STRING = re.compile(r"\?[^\s\"]*")


def configure_logging(log_format: str = "json", level: str = "INFO") -> None:
    """structlog for our code; the standard library's loggers (uvicorn, aiokafka) are
    rendered by the same processors, so every line has one shape."""
    shared_processors: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        _no_query_strings,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*shared_processors, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared_processors,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def _no_query_strings(_: Any, __: str, event: MutableMapping[str, Any]) -> Mapping[str, Any]:
    """Access lines without their query strings: a search's are personal (a name, an NHS
    number), and logs must hold none."""
    if event.get("logger") == "uvicorn.access" and isinstance(event.get("event"), str):
        event["event"] = QUERY_STRING.sub("", event["event"])
    return event


def new_correlation_id() -> str:
    return str(uuid.uuid4())


def current_correlation_id() -> str | None:
    return structlog.contextvars.get_contextvars().get("correlation_id")


@contextmanager
def correlation(correlation_id: str | None) -> Iterator[str]:
    """Bind a correlation id (a new one if none) for everything logged inside."""
    correlation_id = correlation_id or new_correlation_id()
    with structlog.contextvars.bound_contextvars(correlation_id=correlation_id):
        yield correlation_id
