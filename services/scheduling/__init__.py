"""The scheduling service: sites and their calendars, and each case's course of therapy."""

SERVICE = "scheduling"
