"""twin-nets' glue between the twins: nothing here is math (the math lives in ``scratch``, by hand, and in
``torch_impl``, with torch).

* ``concepts`` — the concept registry (IDs, the notes' Korean titles, both twins, the tests).
* ``contract`` — the one tolerance table; ``cli`` — the twins' names and the one-line error parser.
* ``training`` — the paired training run behind ``scripts/train.py``.
* ``experiments`` — the seed's experiments run in both twins; ``figures`` — their figures, one module per
  section of the notes, behind ``scripts/figures.py`` and the per-group scripts.
* ``bench`` — the speed benchmark behind ``scripts/bench.py``.
* ``distributed`` — data-parallel training over ranks; ``notebooks`` — the Korean notebooks and tables.
* ``atomic``, ``threads``, ``generated`` — atomic file writes, one thread for both libraries, the
  README's regenerated sections.
"""
