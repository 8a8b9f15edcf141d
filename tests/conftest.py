import os

import torch
from hypothesis import HealthCheck, settings

# Deterministic, bounded property tests. `HYPOTHESIS_PROFILE=thorough make test`
# runs ten times as many examples.
settings.register_profile(
    "default", max_examples=60, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough", max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Under pytest-xdist (`make unit`: -n 2) each worker gets one thread, so the workers do not contend for the cores.
torch.set_num_threads(1 if os.environ.get("PYTEST_XDIST_WORKER") else min(2, torch.get_num_threads()))
