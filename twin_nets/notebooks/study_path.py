"""The reading order: the notes' sections, the notebook that teaches each, and where its code, figure
and script are. Plain data; ``README.ko.md`` and ``README.md`` carry the table it renders (between
``<!-- study-path:begin -->`` and ``<!-- study-path:end -->``), and a test fails when either is stale,
when a listed file is missing, or when a concept of the registry has no notebook.
"""

from __future__ import annotations

from dataclasses import dataclass

BEGIN, END = "<!-- study-path:begin -->", "<!-- study-path:end -->"


@dataclass(frozen=True)
class Notebook:
    stem: str  # file name without extension, in notebooks/ (.ipynb) and notebooks/source/ (.py)
    title_en: str
    concepts: tuple[str, ...]  # concept IDs (twin_nets.concepts) this notebook teaches


@dataclass(frozen=True)
class Step:
    """One row of the reading order: a section of the notes and where to find it."""

    section: str  # the notes' section number, "" for a row no one section holds (the paired run, the char LM)
    title_ko: str  # the notes' title
    notebook: str  # a Notebook.stem
    scratch: tuple[str, ...]  # files, from the repository root
    torch: tuple[str, ...]
    figure: str  # a figure name in docs/figures/ (without .png), "" when none
    script: str  # "" when none


NOTEBOOKS: tuple[Notebook, ...] = (
    Notebook("00_시작하기", "Getting started: the paired training run and TensorBoard", ()),
    Notebook(
        "01_머신러닝",
        "Machine learning (§1.1–1.3)",
        ("C1.1-supervised", "C1.1-kmeans", "C1.1-pca", "C1.1-autoencoder", "C1.1-anomaly", "C1.3-features"),
    ),
    Notebook(
        "01b_강화학습",
        "Reinforcement learning: REINFORCE and DQN on CartPole (§1.2–1.3)",
        ("C1.2-reinforce", "C1.2-dqn", "C3.1.2-huber"),
    ),
    Notebook("02_퍼셉트론", "Perceptrons (§2.1–2.2)", ("C2.1-perceptron", "C2.2-mlp-xor", "C2.2-mlp")),
    Notebook(
        "03_순전파",
        "Forward propagation (§3.1–3.1.2)",
        (
            "C3.1-forward",
            "C3.1.1-step",
            "C3.1.1-sigmoid",
            "C3.1.1-tanh",
            "C3.1.1-relu",
            "C3.1.1-leaky-relu",
            "C3.1.1-prelu",
            "C3.1.1-elu",
            "C3.1.1-softmax",
            "C3.1.2-mse",
            "C3.1.2-cross-entropy",
        ),
    ),
    Notebook("04_역전파", "Backpropagation (§3.2)", ("C3.2-backprop", "C3.2-autograd")),
    Notebook(
        "05_최적화",
        "Optimization (§3.2.1–3.2.3)",
        (
            "C3.2.1-gd",
            "C3.2.1-sgd",
            "C3.2.1-momentum",
            "C3.2.1-nesterov",
            "C3.2.1-adagrad",
            "C3.2.1-rmsprop",
            "C3.2.1-adam",
            "C3.2.1-adamw",
            "C3.2.2-local-minima",
            "C3.2.2-saddle",
            "C3.2.3-vanishing",
        ),
    ),
    Notebook(
        "06_성능_향상_기법",
        "Improving training (§4.1–4.3)",
        (
            "C4.1-init-zero",
            "C4.1-init-normal",
            "C4.1-init-xavier",
            "C4.1-init-he",
            "C4.2-dropout",
            "C4.3-batchnorm",
            "C4.3-layernorm",
        ),
    ),
    Notebook(
        "07_심화_데이터_병렬",
        "Going further: data-parallel training (beyond §3.2.1 and §4.3; optional)",
        ("C3.2.1-data-parallel", "C4.3-sync-batchnorm"),
    ),
    Notebook(
        "08_순환_신경망",
        "Week 3 preview: recurrent networks (beyond §3.2.3 and §4.3)",
        (
            "C4.3-embedding",
            "C4.3-rnn",
            "C4.3-lstm",
            "C4.3-gru",
            "C3.2.3-clip-grad",
            "C4.3-layernorm-sequences",
        ),
    ),
)

STEPS: tuple[Step, ...] = (
    Step(
        "",
        "둘을 나란히 학습",
        "00_시작하기",
        ("scratch/train.py",),
        ("torch_impl/train.py",),
        "",
        "scripts/train.py",
    ),
    Step(
        "1.1",
        "지도학습과 비지도학습",
        "01_머신러닝",
        ("scratch/models/supervised.py",),
        ("torch_impl/models/supervised.py",),
        "C1.1-supervised-logistic",
        "scripts/supervised.py",
    ),
    Step(
        "1.1",
        "비지도학습 (군집화, 차원축소, 이상 탐지)",
        "01_머신러닝",
        (
            "scratch/models/kmeans.py",
            "scratch/models/pca.py",
            "scratch/models/autoencoder.py",
            "scratch/models/anomaly.py",
        ),
        (
            "torch_impl/models/kmeans.py",
            "torch_impl/models/pca.py",
            "torch_impl/models/autoencoder.py",
            "torch_impl/models/anomaly.py",
        ),
        "C1.1-autoencoder-codes",
        "scripts/unsupervised.py",
    ),
    Step(
        "1.2",
        "강화학습",
        "01b_강화학습",
        ("scratch/rl/reinforce.py", "scratch/rl/dqn.py"),
        ("torch_impl/rl/reinforce.py", "torch_impl/rl/dqn.py"),
        "rl/C1.2-rl-returns",
        "scripts/rl.py",
    ),
    Step(
        "1.3",
        "딥러닝",
        "01_머신러닝",
        ("scratch/models/supervised.py",),
        ("torch_impl/models/supervised.py",),
        "C1.3-features-circles",
        "scripts/features.py",
    ),
    Step(
        "2.1",
        "단층 퍼셉트론",
        "02_퍼셉트론",
        ("scratch/models/perceptron.py",),
        ("torch_impl/models/perceptron.py",),
        "C2.1-perceptron-gates",
        "scripts/perceptron.py",
    ),
    Step(
        "2.2",
        "다층 퍼셉트론",
        "02_퍼셉트론",
        ("scratch/models/perceptron.py", "scratch/models/mlp.py"),
        ("torch_impl/models/perceptron.py", "torch_impl/models/mlp.py"),
        "C2.2-mlp-xor-planes",
        "scripts/xor.py",
    ),
    Step(
        "3.1",
        "순전파",
        "03_순전파",
        ("scratch/nn/linear.py", "scratch/nn/module.py"),
        ("torch_impl/nn/__init__.py",),
        "",
        "scripts/train.py",
    ),
    Step(
        "3.1.1",
        "활성화 함수",
        "03_순전파",
        ("scratch/nn/activation.py",),
        ("torch_impl/nn/activation.py",),
        "C3.1.1-activations-overview",
        "scripts/activations.py",
    ),
    Step(
        "3.1.2",
        "손실 함수",
        "03_순전파",
        ("scratch/nn/loss.py",),
        ("torch_impl/nn/loss.py",),
        "C3.1.2-cross-entropy-neg-log",
        "scripts/losses.py",
    ),
    Step(
        "3.2",
        "역전파",
        "04_역전파",
        ("scratch/nn/module.py", "scratch/gradcheck.py"),
        ("torch_impl/nn/__init__.py",),
        "C2.2-mlp-xor-backprop",
        "scripts/xor.py",
    ),
    Step(
        "3.2.1",
        "Optimizer",
        "05_최적화",
        ("scratch/optim/",),
        ("torch_impl/optim/",),
        "C3.2.1-optimizer-paths",
        "scripts/optimizers.py",
    ),
    Step(
        "3.2.1",
        "Optimizer (심화: 데이터 병렬)",
        "07_심화_데이터_병렬",
        ("scratch/distributed/",),
        ("torch_impl/distributed.py",),
        "",
        "scripts/train.py",
    ),
    Step(
        "3.2.2",
        "Local Minima와 Saddle Point 문제",
        "05_최적화",
        ("scratch/models/surfaces.py",),
        ("torch_impl/models/surfaces.py",),
        "C3.2.2-saddle-paths",
        "scripts/surfaces.py",
    ),
    Step(
        "3.2.3",
        "기울기 소실 문제",
        "05_최적화",
        ("scratch/models/diagnostics.py",),
        ("torch_impl/models/diagnostics.py",),
        "C3.2.3-vanishing-gradient-norms",
        "scripts/vanishing.py",
    ),
    Step(
        "4.1",
        "가중치 초기화",
        "06_성능_향상_기법",
        ("scratch/nn/init.py",),
        ("torch_impl/nn/__init__.py",),
        "C4.1-init-histograms-sigmoid",
        "scripts/initialization.py",
    ),
    Step(
        "4.2",
        "드롭아웃",
        "06_성능_향상_기법",
        ("scratch/nn/dropout.py",),
        ("torch_impl/nn/dropout.py",),
        "C4.2-dropout-accuracy-gap",
        "scripts/dropout.py",
    ),
    Step(
        "4.3",
        "배치 정규화",
        "06_성능_향상_기법",
        ("scratch/nn/batchnorm.py", "scratch/nn/normalization.py"),
        ("torch_impl/nn/__init__.py",),
        "C4.3-batchnorm-init-scales",
        "scripts/batchnorm.py",
    ),
    Step(
        "3.2.3",
        "기울기 소실 문제 (미리보기: 기울기 클리핑)",
        "08_순환_신경망",
        ("scratch/nn/utils/clip_grad.py",),
        ("torch_impl/nn/utils/__init__.py",),
        "",
        "",
    ),
    Step(
        "4.3",
        "배치 정규화 (미리보기: 순환 신경망과 레이어 정규화)",
        "08_순환_신경망",
        (
            "scratch/nn/sparse.py",
            "scratch/nn/functional/rnn.py",
            "scratch/nn/rnn.py",
            "scratch/models/normalized_lstm.py",
        ),
        ("torch_impl/nn/__init__.py", "torch_impl/models/normalized_lstm.py"),
        "C4.3-layernorm-sequences-accuracy-by-length",
        "scripts/sequences.py",
    ),
    Step(
        "",
        "3주차 미리보기 (노트의 마무리): 노트로 학습하는 문자 단위 언어 모델",
        "08_순환_신경망",
        ("scratch/models/char_lm.py",),
        ("torch_impl/models/char_lm.py",),
        "",
        "scripts/train.py",
    ),
)

HEADERS = {
    "ko": ("노트 § (제목)", "노트북", "scratch 파일", "torch 파일", "그림", "스크립트"),
    "en": ("notes § (Korean title)", "notebook", "scratch file", "torch file", "figure", "script"),
}


def _files(paths: tuple[str, ...], prefix: str) -> str:
    return "<br>".join(f"[`{path}`]({prefix}{path})" for path in paths)


def markdown_table(language: str) -> str:
    """The reading order as a Markdown table, headers in ``language`` ("ko" or "en"); links are relative
    to the repository root, where both READMEs live."""
    if language not in HEADERS:
        raise ValueError(f"markdown_table: expected language to be one of {tuple(HEADERS)}, got {language!r}")
    lines = ["| " + " | ".join(HEADERS[language]) + " |", "|" + " --- |" * len(HEADERS[language])]
    for step in STEPS:
        section = f"§{step.section} {step.title_ko}" if step.section else step.title_ko
        notebook = f"[`{step.notebook}`](notebooks/{step.notebook}.ipynb)"
        figure = f"[`{step.figure}`](docs/figures/{step.figure}.png)" if step.figure else "—"
        script = f"[`{step.script}`]({step.script})" if step.script else "—"
        cells = (section, notebook, _files(step.scratch, ""), _files(step.torch, ""), figure, script)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def with_table(text: str, language: str, where: str) -> str:
    """``text`` with the part between the study-path markers replaced by the current table."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{where}: expected the markers {BEGIN} and {END}, in that order")
    return text[: start + len(BEGIN)] + "\n" + markdown_table(language) + "\n" + text[end:]


def concept_notebooks() -> dict[str, str]:
    """concept ID -> the stem of the notebook that teaches it."""
    return {concept: notebook.stem for notebook in NOTEBOOKS for concept in notebook.concepts}
