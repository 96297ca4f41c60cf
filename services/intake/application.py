"""The intake application: every command of the service, over the shared event store.

Commands get an aggregate, mutate it and save it (commands.py); by responsibility they are
the case's journey (journey.py), its therapy record and consent templates (records.py), and
enquiries and data-subject requests around it (desk.py). Queries are in queries.py.
"""

from services.intake.commands import ClientDetails
from services.intake.desk import DeskCommands
from services.intake.journey import CaseCommands
from services.intake.records import TherapyRecordCommands
from services.intake.subject_access import SubjectAccessCommands

__all__ = ["ClientDetails", "IntakeApplication"]


class IntakeApplication(CaseCommands, TherapyRecordCommands, DeskCommands, SubjectAccessCommands):
    """Every command of the intake service."""
