"""Fixtures of the grading tests."""

import pytest
from grading_cases import isolation


@pytest.fixture(scope="session")
def namespaces() -> str:
    """Skip the test where sandboxes get no namespaces (the isolation field says why)."""
    found = isolation()
    if found.startswith("no namespaces"):
        pytest.skip(f"this machine gives the sandboxes no namespaces, so the OS containment is not there: {found}")
    return found
