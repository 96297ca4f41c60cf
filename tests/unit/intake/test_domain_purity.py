"""STYLE.md rule 1: the domain imports the standard library and eventsourcing.domain only
(and the other pure intake modules)."""

import ast
import sys
from pathlib import Path

import services.intake

PURE = (
    "domain",
    "assessment",
    "waiting",
    "consent",
    "clinical",
    "stages",
    "codes",
    "errors",
    "enquiry",
    "templates",
    "data_requests",
    "client_record",
    "treatment",
)
PACKAGE = Path(services.intake.__file__).parent


def imported_modules(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_modules_import_only_the_standard_library_eventsourcing_domain_and_each_other():
    allowed = {"eventsourcing.domain", "services.intake"}
    allowed |= {f"services.intake.{m}" for m in PURE}
    for module in PURE:
        foreign = {
            name
            for name in imported_modules(module)
            if name not in allowed and name.split(".")[0] not in sys.stdlib_module_names
        }
        assert foreign == set(), module
