"""The math of ``scratch.nn``, as functions: the twin of ``torch.nn.functional``.

Each forward function sits beside its hand-written ``*_backward`` (CS231n's ``affine_forward`` /
``affine_backward`` habit); the modules in ``scratch.nn`` hold parameters and state and call these.
"""
