"""twin-nets, the NumPy twin: every layer, loss and optimizer written by hand, every derivative too.

This package never imports torch; its twin, ``torch_impl``, does the same things with ``torch.nn``.
"""
