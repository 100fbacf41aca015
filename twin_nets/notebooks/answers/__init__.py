"""The expected answers of the notebooks' exercises, computed by the twins: one module per notebook,
each function registered with ``twin_nets.notebooks.exercises.exercise`` under its exercise ID. The
learner's notebook holds only the blank and ``check``; these modules are where the answers are."""
