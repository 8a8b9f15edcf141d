"""Exercise sets and the autograder behind ``attn-course grade``.

Modules, each one concern:

- :mod:`.spec`: the :class:`Part` / :class:`ExerciseSet` records and the registry of sets.
- :mod:`.checks`: the printing checkers that the notebooks' visible check cells call.
- :mod:`.release`: instructor notebook -> student notebook (solutions and hidden tests stripped).
- :mod:`.notebook`: reading submissions and assembling the notebook nbval runs.
- :mod:`.kernel_run`: runs that notebook under nbval; :mod:`.workers`: isolated child processes.
- :mod:`.sandbox`: no network, capped output, allow-listed imports.
- :mod:`.extract`, :mod:`.tripwire`, :mod:`.hidden_runner`: the hidden tests, in their own process.
- :mod:`.grade`, :mod:`.reports`, :mod:`.cli`: scoring, report formats, the command line.
"""
