"""The learner's workbook (``python -m twin_nets.workbook``): scratch's functions with the bodies left to
the learner, graded by the concept's own parity tests.

``targets`` finds a concept's functions, ``sheet`` writes the blank file, ``plugin`` swaps the learner's
functions in inside a pytest run, ``grade`` runs it and reads the result into Korean.
"""
