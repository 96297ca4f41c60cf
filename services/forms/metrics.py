"""Metrics of risk escalations, refreshed from the read model when /metrics is scraped."""

from prometheus_client import Gauge

from services.forms.queries import FormsQueries

OPEN_ESCALATIONS = Gauge(
    "rapport_forms_open_escalations", "Risk escalations not yet acknowledged.", ["site"]
)
OLDEST_ESCALATION_AGE = Gauge(
    "rapport_forms_oldest_open_escalation_age_seconds",
    "Age of the oldest risk escalation not yet acknowledged.",
    ["site"],
)


async def refresh(queries: FormsQueries) -> None:
    current = await queries.escalations()
    seen = {site for site, _, _ in current}
    for labels in list(OPEN_ESCALATIONS._metrics):  # sites whose escalations were all acknowledged
        if labels[0] not in seen:
            OPEN_ESCALATIONS.labels(labels[0]).set(0)
            OLDEST_ESCALATION_AGE.labels(labels[0]).set(0)
    for site, count, age in current:
        OPEN_ESCALATIONS.labels(site).set(count)
        OLDEST_ESCALATION_AGE.labels(site).set(age)
