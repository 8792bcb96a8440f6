"""Where the tests find the tree and its build outputs."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("BH_BUILD", ROOT / "build")).resolve()
