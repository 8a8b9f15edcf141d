"""Entry point of the ``attn-course`` console script (see :mod:`attn_course.grading.cli`)."""

from .grading.cli import main

__all__ = ["main"]
