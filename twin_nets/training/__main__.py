"""``python -m twin_nets.training``: the main job, as ``scripts/train.py`` (``twin_nets.training.main``)."""

import sys

from twin_nets.training.main import main

sys.exit(main())
