"""C2.1-perceptron: 단층 퍼셉트론 (the seed's hand-set weights), seed §2.1

The weights of the gates (§2.1) and of the XOR network (C2.2-mlp-xor, §2.2), as plain data.

Both twins build their perceptrons and the seed's XOR network from these numbers, so they live apart
from either twin's math.
"""

# Hand-set (w₁, w₂), b for each gate; y = step(w₁x₁ + w₂x₂ + b). AND and OR are the seed's hidden
# perceptrons (1, 1, −1.5) and (1, 1, −0.5) of §2.2; NAND is AND with every sign flipped.
GATE_WEIGHTS: dict[str, tuple[tuple[float, float], float]] = {
    "and": ((1.0, 1.0), -1.5),
    "or": ((1.0, 1.0), -0.5),
    "nand": ((-1.0, -1.0), 1.5),
}

# The seed's XOR network (§2.2): hidden perceptrons h₁ = (1, 1, −1.5) and h₂ = (1, 1, −0.5), output
# perceptron (−1, 1, −0.5) on (h₁, h₂); as Linear layers, weight rows are units, columns are inputs.
SEED_XOR_HIDDEN_WEIGHT = ((1.0, 1.0), (1.0, 1.0))
SEED_XOR_HIDDEN_BIAS = (-1.5, -0.5)
SEED_XOR_OUTPUT_WEIGHT = ((-1.0, 1.0),)
SEED_XOR_OUTPUT_BIAS = (-0.5,)
