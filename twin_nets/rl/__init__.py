"""C1.2: 강화학습 (reinforcement learning) on gymnasium's CartPole-v1, both twins in one paired run.

``config``: the hyper-parameters (``RLConfig``); ``paired``: the run, every random draw from one NumPy
generator feeding both twins; ``solve``: episodes-to-solve over seeds; ``animation``: the trained policy
balancing the pole, as a GIF; ``figures``: the return per episode (Korean labels).
"""
