"""What every benchmark does last: stamp the load average and write its JSON report."""

from __future__ import annotations

import json
import os
from pathlib import Path


def write_report(report: dict, path: Path) -> None:
    """Record the load average at the end in ``report["config"]`` and write it as JSON to ``path``."""
    report["config"]["load_average_end"] = list(os.getloadavg())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2))
    print(f"wrote {path}")
