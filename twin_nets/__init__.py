"""twin-nets' glue between the twins: the concept registry, figure output and the paired-run machinery.

Nothing here is math: the math lives in ``scratch`` (by hand) and ``torch_impl`` (torch).
"""
