"""The concept registry: every concept of the seed, its section, its two twins and the tests that
cover it. Plain data; ``parity_tests/test_concepts.py`` fails when an ID lacks a twin or a test, and the
README's concept table is generated from it (``python -m twin_nets.concepts --update README.md``) and
checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    id: str
    section: str  # the seed's section number
    title_ko: str  # the seed's title
    title_en: str
    scratch: tuple[str, ...]  # dotted paths of the NumPy twin's objects
    torch: tuple[str, ...]  # dotted paths of the torch twin's objects
    tests: tuple[str, ...]  # test files (from the repo root) whose test ids carry the concept ID


def _c(id, section, title_ko, title_en, scratch, torch, tests):
    return Concept(id, section, title_ko, title_en, tuple(scratch), tuple(torch), tuple(tests))


_ACT = "parity_tests/nn/test_activation.py"
_LOSS = "parity_tests/nn/test_loss.py"
_OPT = "parity_tests/optim/test_optim.py"
_SURF = "parity_tests/experiments/test_surfaces.py"
_INIT = "parity_tests/nn/test_init.py"
_REGULARIZATION = "parity_tests/experiments/test_regularization.py"
_DISTRIBUTED = "parity_tests/distributed/test_data_parallel.py"

# fmt: off
CONCEPTS: tuple[Concept, ...] = (
    # one concept a few lines — (id, seed §, Korean title, English title), scratch, torch, tests
    _c("C1.1-supervised", "1.1", "지도학습과 비지도학습", "Supervised and unsupervised learning",
       ["scratch.models.supervised.LogisticRegression", "scratch.models.supervised.LinearRegression"],
       ["torch_impl.models.supervised.LogisticRegression", "torch_impl.models.supervised.LinearRegression"],
       ["parity_tests/models/test_supervised.py"]),
    _c("C1.3-features", "1.3", "딥러닝", "Deep learning: feature engineering vs learned features",
       ["scratch.models.supervised.radial_feature"],
       ["torch_impl.models.supervised.radial_feature"],
       ["parity_tests/models/test_supervised.py"]),
    _c("C2.1-perceptron", "2.1", "단층 퍼셉트론", "Single-layer perceptron",
       ["scratch.models.perceptron.Perceptron"],
       ["torch_impl.models.perceptron.Perceptron"],
       ["parity_tests/models/test_perceptron.py"]),
    _c("C2.2-mlp-xor", "2.2", "다층 퍼셉트론", "Multi-layer perceptron: XOR",
       ["scratch.models.perceptron.seed_xor_network"],
       ["torch_impl.models.perceptron.seed_xor_network"],
       ["parity_tests/models/test_perceptron.py"]),
    _c("C2.2-mlp", "2.2", "다층 퍼셉트론", "Multi-layer perceptron: the MLP builder",
       ["scratch.models.mlp.build_mlp"],
       ["torch_impl.models.mlp.build_mlp"],
       ["parity_tests/models/test_mlp.py"]),
    _c("C3.1-forward", "3.1", "순전파", "Forward propagation",
       ["scratch.nn.Linear", "scratch.nn.Sequential"],
       ["torch_impl.nn.Linear", "torch_impl.nn.Sequential"],
       ["parity_tests/nn/test_linear.py", "parity_tests/nn/test_module.py"]),
    _c("C3.1.1-step", "3.1.1", "활성화 함수", "Activation: step",
       ["scratch.nn.Step"],
       ["torch_impl.nn.Step"],
       [_ACT]),
    _c("C3.1.1-sigmoid", "3.1.1", "활성화 함수", "Activation: sigmoid",
       ["scratch.nn.Sigmoid"],
       ["torch_impl.nn.Sigmoid"],
       [_ACT]),
    _c("C3.1.1-tanh", "3.1.1", "활성화 함수", "Activation: tanh",
       ["scratch.nn.Tanh"],
       ["torch_impl.nn.Tanh"],
       [_ACT]),
    _c("C3.1.1-relu", "3.1.1", "활성화 함수", "Activation: ReLU",
       ["scratch.nn.ReLU"],
       ["torch_impl.nn.ReLU"],
       [_ACT]),
    _c("C3.1.1-leaky-relu", "3.1.1", "활성화 함수", "Activation: Leaky ReLU",
       ["scratch.nn.LeakyReLU"],
       ["torch_impl.nn.LeakyReLU"],
       [_ACT]),
    _c("C3.1.1-prelu", "3.1.1", "활성화 함수", "Activation: PReLU",
       ["scratch.nn.PReLU"],
       ["torch_impl.nn.PReLU"],
       [_ACT]),
    _c("C3.1.1-elu", "3.1.1", "활성화 함수", "Activation: ELU",
       ["scratch.nn.ELU"],
       ["torch_impl.nn.ELU"],
       [_ACT]),
    _c("C3.1.1-softmax", "3.1.1", "활성화 함수", "Activation: softmax",
       ["scratch.nn.Softmax", "scratch.nn.LogSoftmax"],
       ["torch_impl.nn.Softmax", "torch_impl.nn.LogSoftmax"],
       [_ACT]),
    _c("C3.1.2-mse", "3.1.2", "손실 함수", "Loss: mean squared error",
       ["scratch.nn.MSELoss", "scratch.nn.HalfSquaredErrorLoss"],
       ["torch_impl.nn.MSELoss", "torch_impl.nn.HalfSquaredErrorLoss"],
       [_LOSS]),
    _c("C3.1.2-cross-entropy", "3.1.2", "손실 함수", "Loss: cross-entropy",
       [
           "scratch.nn.CrossEntropyLoss",
           "scratch.nn.NLLLoss",
           "scratch.nn.BCELoss",
           "scratch.nn.BCEWithLogitsLoss",
       ],
       [
           "torch_impl.nn.CrossEntropyLoss",
           "torch_impl.nn.NLLLoss",
           "torch_impl.nn.BCELoss",
           "torch_impl.nn.BCEWithLogitsLoss",
       ],
       [_LOSS]),
    _c("C3.2-backprop", "3.2", "역전파", "Backpropagation",
       ["scratch.gradcheck.gradcheck", "scratch.nn.Sequential.backward"],
       ["torch.autograd.backward"],
       ["parity_tests/test_gradcheck.py", "parity_tests/nn/test_module.py"]),
    _c("C3.2-autograd", "3.2", "역전파", "Backpropagation by a recorded graph: reverse-mode autograd",
       ["scratch.autograd.Tensor", "scratch.autograd.chain_rule.worked_example"],
       ["torch.autograd.backward", "torch_impl.autograd.worked_example"],
       [
           "parity_tests/autograd/test_tensor.py",
           "parity_tests/autograd/test_three_ways.py",
           "parity_tests/autograd/test_chain_rule.py",
       ]),
    _c("C3.2.1-gd", "3.2.1", "Optimizer", "Full-batch gradient descent",
       ["scratch.optim.SGD", "scratch.data.loader.DataLoader"],
       ["torch_impl.optim.SGD", "torch_impl.data.loader.DataLoader"],
       [_OPT, "parity_tests/data/test_loader.py"]),
    _c("C3.2.1-sgd", "3.2.1", "Optimizer", "Mini-batch stochastic gradient descent",
       ["scratch.optim.SGD", "scratch.data.loader.DataLoader"],
       ["torch_impl.optim.SGD", "torch_impl.data.loader.DataLoader"],
       [_OPT, "parity_tests/data/test_loader.py"]),
    _c("C3.2.1-momentum", "3.2.1", "Optimizer", "Momentum (torch's form and the textbook form)",
       ["scratch.optim.SGD", "scratch.optim.TextbookMomentum"],
       ["torch_impl.optim.SGD", "torch_impl.optim.TextbookMomentum"],
       [_OPT]),
    _c("C3.2.1-nesterov", "3.2.1", "Optimizer", "Nesterov momentum",
       ["scratch.optim.SGD"],
       ["torch_impl.optim.SGD"],
       [_OPT]),
    _c("C3.2.1-adagrad", "3.2.1", "Optimizer", "Adagrad",
       ["scratch.optim.Adagrad"],
       ["torch_impl.optim.Adagrad"],
       [_OPT]),
    _c("C3.2.1-rmsprop", "3.2.1", "Optimizer", "RMSprop",
       ["scratch.optim.RMSprop"],
       ["torch_impl.optim.RMSprop"],
       [_OPT]),
    _c("C3.2.1-adam", "3.2.1", "Optimizer", "Adam",
       ["scratch.optim.Adam"],
       ["torch_impl.optim.Adam"],
       [_OPT]),
    _c("C3.2.1-adamw", "3.2.1", "Optimizer", "AdamW (decoupled weight decay)",
       ["scratch.optim.AdamW"],
       ["torch_impl.optim.AdamW"],
       [_OPT]),
    _c("C3.2.1-data-parallel", "3.2.1", "Optimizer",
       "Data-parallel mini-batch SGD: shard gradients averaged by an all-reduce (beyond the notes)",
       ["scratch.distributed.ring_allreduce", "scratch.distributed.average_gradients"],
       ["torch_impl.distributed.wrap", "torch.nn.parallel.DistributedDataParallel"],
       [_DISTRIBUTED, "parity_tests/distributed/test_collectives.py"]),
    _c("C3.2.2-local-minima", "3.2.2", "Local Minima와 Saddle Point 문제", "Local minima",
       ["scratch.models.surfaces.TwoMinima"],
       ["torch_impl.models.surfaces.TwoMinima"],
       [_SURF]),
    _c("C3.2.2-saddle", "3.2.2", "Local Minima와 Saddle Point 문제", "Saddle points",
       ["scratch.models.surfaces.Saddle"],
       ["torch_impl.models.surfaces.Saddle"],
       [_SURF]),
    _c("C3.2.3-vanishing", "3.2.3", "기울기 소실 문제", "Vanishing gradients",
       ["scratch.models.diagnostics.layer_gradient_norms"],
       ["torch_impl.models.diagnostics.layer_gradient_norms"],
       ["parity_tests/experiments/test_vanishing.py"]),
    _c("C4.1-init-zero", "4.1", "가중치 초기화", "Initialisation: zeros",
       ["scratch.nn.init.zeros_"],
       ["torch_impl.nn.init.zeros_"],
       [_INIT]),
    _c("C4.1-init-normal", "4.1", "가중치 초기화", "Initialisation: N(0, 1) and N(0, 0.01²)",
       ["scratch.nn.init.normal_"],
       ["torch_impl.nn.init.normal_"],
       [_INIT]),
    _c("C4.1-init-xavier", "4.1", "가중치 초기화", "Initialisation: Xavier / Glorot",
       [
           "scratch.nn.init.xavier_normal_",
           "scratch.nn.init.xavier_uniform_",
           "scratch.nn.init.seed_xavier_normal_",
       ],
       ["torch_impl.nn.init.xavier_normal_", "torch_impl.nn.init.xavier_uniform_"],
       [_INIT]),
    _c("C4.1-init-he", "4.1", "가중치 초기화", "Initialisation: He / Kaiming",
       ["scratch.nn.init.kaiming_normal_", "scratch.nn.init.kaiming_uniform_"],
       ["torch_impl.nn.init.kaiming_normal_", "torch_impl.nn.init.kaiming_uniform_"],
       [_INIT]),
    _c("C4.2-dropout", "4.2", "드롭아웃", "Dropout",
       ["scratch.nn.Dropout"],
       ["torch_impl.nn.Dropout"],
       ["parity_tests/nn/test_dropout.py", "parity_tests/training/test_runner.py", _REGULARIZATION]),
    _c("C4.3-batchnorm", "4.3", "배치 정규화", "Batch normalization",
       ["scratch.nn.BatchNorm1d"],
       ["torch_impl.nn.BatchNorm1d"],
       ["parity_tests/nn/test_batchnorm.py", "parity_tests/training/test_runner.py", _REGULARIZATION]),
    _c("C4.3-layernorm", "4.3", "배치 정규화", "Layer normalization",
       ["scratch.nn.LayerNorm"],
       ["torch_impl.nn.LayerNorm"],
       [
           "parity_tests/nn/test_normalization.py",
           "parity_tests/training/test_runner.py",
           "parity_tests/experiments/test_batch_size.py",
       ]),
    _c("C4.3-sync-batchnorm", "4.3", "배치 정규화",
       "Sync batch normalization: statistics all-reduced over the workers (beyond the notes)",
       ["scratch.distributed.SyncBatchNorm"],
       ["torch_impl.distributed.convert_sync_batchnorm", "torch.nn.SyncBatchNorm"],
       [_DISTRIBUTED, "parity_tests/distributed/test_collectives.py"]),
)
# fmt: on


def markdown_table() -> str:
    """The README's concept table."""
    rows = [
        "| seed § | title (Korean) | title (English) | concept ID | scratch twin | torch twin | tests |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in CONCEPTS:
        code = lambda paths: "<br>".join(f"`{p}`" for p in paths)  # noqa: E731
        rows.append(
            f"| {c.section} | {c.title_ko} | {c.title_en} | `{c.id}` | {code(c.scratch)} | {code(c.torch)} | "
            f"{code(c.tests)} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    from twin_nets.generated import section_command

    raise SystemExit(section_command("python -m twin_nets.concepts", __doc__, "concepts", markdown_table))
