"""Exercise sets and the autograder behind ``attn-course``.

The trust boundary: student code runs only in sandboxes (:mod:`.sandboxed`, forked from a
zygote that never imports this package), which receive inputs and send back plain data. Expected
values, comparisons, points and reports are computed here, in a process that never runs student
code. Modules, each one concern:

- :mod:`.spec`, :mod:`.course`: :class:`~.spec.Part` / :class:`~.spec.ExerciseSet`, and the course
  folder (instructor notebooks, optionally its own ``sets/``) given with ``--course``.
- :mod:`.expect`: ``call(...)`` and the assertions hidden tests are written with; :mod:`.sets`: the
  bundled sets (the book's worked example).
- :mod:`.checks`: the printing checkers of the notebooks' check cells (run in the student's sandbox).
- :mod:`.release`: instructor notebook -> student notebook (solutions and hidden tests stripped).
- :mod:`.notebook`, :mod:`.extract`: reading submissions, without running them: cells, definitions,
  magics, shortcuts, tampering.
- :mod:`.sandbox`: the grader's side of the sandboxes (zygote, :class:`~.sandbox.Sandbox`).
- :mod:`.visible`, :mod:`.hidden`: the notebook run and the hidden tests, each driven from here.
- :mod:`.grade`, :mod:`.batch`, :mod:`.reports`: scoring, many submissions, report formats.
- :mod:`.check`, :mod:`.autograder`, :mod:`.cli`: ``attn-course check``, ``attn-course gradescope``,
  the command line.
"""
