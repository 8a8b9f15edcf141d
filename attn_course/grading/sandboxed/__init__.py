"""Code that runs on the sandbox side of the grader's trust boundary.

Nothing here imports :mod:`attn_course`: the modules are loaded by the *zygote*, a process
started with ``python -I`` that imports torch once and forks one sandbox per notebook run and
per graded part (:mod:`.zygote`). A sandbox is confined by the OS (:mod:`.confine`) and then
becomes either the notebook executor (:mod:`.executor`) or the function runner
(:mod:`.runner`). It talks to the grader only through length-prefixed JSON frames
(:mod:`.wire`), with tensors as raw bytes + dtype + shape: the grader never unpickles anything a
sandbox sends, and never runs student code itself.
"""
