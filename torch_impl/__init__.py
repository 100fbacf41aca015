"""twin-nets, the torch twin: the same concepts as ``scratch``, with ``torch.nn`` and ``torch.optim``.

Where torch has the class, ``torch_impl`` re-exports it unchanged (the point is to show that the scratch
twin *is* torch's layer); where torch lacks one (``Step``, ``HalfSquaredErrorLoss``, the perceptron, …)
it is written here with torch operations and autograd. It never calls scratch's math.
"""
