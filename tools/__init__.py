"""Build and maintenance scripts (not installed with the package).

Run them from the repository root as modules, ``.venv/bin/python -m tools.build_book``, so that
they can import each other as ``tools.<name>``; pytest puts the root on the import path
(``pythonpath`` in pyproject.toml), so the tests import them the same way.
"""
