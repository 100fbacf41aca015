"""Figures of seed §3.1: every activation with its derivative (C3.1.1, the derivative in purple as the
seed draws it), an overview of all of them, the seed's softmax example; −log ŷ (C3.1.2-cross-entropy) and
the gradient with respect to the logit of MSE against cross-entropy (C3.1.2-mse).

  C3.1.1-<activation>.png                  f and f′ (step, sigmoid, tanh, relu, leaky-relu, prelu, elu)
  C3.1.1-activations-overview.png          every f, and every f′ with σ′'s largest value marked
  C3.1.1-softmax-example.png               scores → eˢ → normalised, and the one-hot label
  C3.1.2-cross-entropy-neg-log.png         E = −log ŷ for the true class
  C3.1.2-mse-vs-cross-entropy-gradient.png  for a confidently wrong prediction MSE's gradient vanishes
  C3.1.2-huber-vs-mse.png                  Huber (δ = 1) and smooth L1 (β = 0.5) against MSE, and ∂ℓ/∂ŷ
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from twin_nets.experiments.curves import (
    ACTIVATIONS,
    activation_curve,
    logit_gradients,
    neg_log_curve,
    robust_loss_curves,
    softmax_example,
)
from twin_nets.figures import plt, save_figure
from twin_nets.figures.board import FigureBoard
from twin_nets.figures.drawing import legend_below, plot_twins

HUBER_LABELS = {
    "MSE": "평균 제곱 오차 (MSELoss): d²",
    "Huber δ=1": "Huber 손실 (HuberLoss, δ = 1)",
    "SmoothL1 β=0.5": "smooth L1 손실 (SmoothL1Loss, β = 0.5)",
}
FUNCTION_COLOR, DERIVATIVE_COLOR = "tab:blue", "purple"
# the overview draws seven curves, four of them equal for x > 0 (f = x, f′ = 1): each its own dashes and
# width, widest first, so a curve under another still shows
OVERVIEW_STYLE = {
    "step": {"linewidth": 1.6},
    "sigmoid": {"linewidth": 1.6},
    "tanh": {"linewidth": 1.6},
    "relu": {"linewidth": 4.0, "alpha": 0.55},
    "leaky-relu": {"linewidth": 2.2, "linestyle": (0, (6, 3))},
    "prelu": {"linewidth": 1.6, "linestyle": (0, (3, 3))},
    "elu": {"linewidth": 1.2, "linestyle": (0, (1, 2))},
}
CONFIDENT_WRONG = -6.0  # the logit of a prediction ŷ = σ(−6) ≈ 0.0025 for the true class
TITLES = {  # each activation's figure title, by concept ID (the English name is the code's class name)
    "C3.1.1-step": "계단 함수 (step)",
    "C3.1.1-sigmoid": "시그모이드 σ(x) = 1 / (1 + e⁻ˣ) (Sigmoid)",
    "C3.1.1-tanh": "하이퍼볼릭 탄젠트 (Tanh)",
    "C3.1.1-relu": "ReLU max(0, x)",
    "C3.1.1-leaky-relu": "Leaky ReLU (x < 0에서 0.01x)",
    "C3.1.1-prelu": "PReLU (x < 0에서 ax, a는 학습, 처음 0.25)",
    "C3.1.1-elu": "ELU (α = 1)",
}
SOFTMAX_LABELS = {"cat": "고양이", "car": "차", "frog": "개구리"}  # the notes' names of the three labels
LOSS_NAMES = {"MSE": "MSE", "cross-entropy": "교차 엔트로피"}


def _minus(value: float) -> str:
    """A number with a true minus sign."""
    return f"{value:g}".replace("-", "−")


def activation_figures(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> list[Path]:
    x = np.linspace(-5, 5, 401)
    curves = {a.concept: {twin: activation_curve(a, x, twin) for twin in twins} for a in ACTIVATIONS}
    paths = []
    for activation in ACTIVATIONS:
        fig, ax = plt.subplots(figsize=(5, 3.4))
        by_twin = curves[activation.concept]
        plot_twins(ax, x, {t: c[0] for t, c in by_twin.items()}, "f(x)", FUNCTION_COLOR, every=20)
        plot_twins(ax, x, {t: c[1] for t, c in by_twin.items()}, "f′(x)", DERIVATIVE_COLOR, every=20)
        ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
        ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
        ax.set(title=f"{activation.concept}: {TITLES[activation.concept]}", xlabel="x")
        ax.legend(fontsize=7, loc="upper left")
        paths.append(save_figure(fig, activation.concept, outdir, board))

    fig, (ax_f, ax_d) = plt.subplots(1, 2, figsize=(10, 3.8))
    twin = twins[0]
    for activation in ACTIVATIONS:
        y, dy = curves[activation.concept][twin]
        name = activation.concept.removeprefix("C3.1.1-")
        ax_f.plot(x, y, label=name, **OVERVIEW_STYLE[name])
        ax_d.plot(x, dy, label=name, **OVERVIEW_STYLE[name])
    ax_f.set(title="활성화 함수 f(x)", xlabel="x", ylim=(-1.6, 3))
    ax_d.set(title="미분 f′(x): 역전파가 곱하는 값", xlabel="x", ylim=(-0.1, 1.15))
    sigmoid = next(a for a in ACTIVATIONS if a.concept == "C3.1.1-sigmoid")
    peak = float(curves[sigmoid.concept][twin][1].max())  # σ′ is largest at x = 0
    ax_d.plot(0, peak, "o", color="tab:orange", markeredgecolor="black", markersize=6, zorder=5)
    ax_d.annotate(
        f"σ′는 x = 0에서 최대:\nσ′(0) = {peak:.2g}",
        (0, peak),
        xytext=(1.3, 0.45),
        fontsize=8,
        arrowprops={"arrowstyle": "->", "color": "black"},
    )
    prelu = "prelu′ = a = 0.25"  # PReLU's initial slope
    ax_d.annotate(
        prelu, (-4.9, 0.25), xytext=(0, 5), textcoords="offset points", fontsize=8, color="tab:brown"
    )
    for ax in (ax_f, ax_d):
        legend_below(ax, ncol=4, gap=0.2, fontsize=8)
    paths.append(
        save_figure(
            fig,
            "C3.1.1-activations-overview",
            outdir,
            board,
            title=f"C3.1.1: 활성화 함수와 그 미분 ({twin} 쌍둥이)",
            title_y=1.0,
        )
    )

    paths.append(_softmax_figure(outdir, board, twins))
    return paths


def _softmax_figure(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> Path:
    names, scores, exps, probs = softmax_example(twins[0])
    labels = [SOFTMAX_LABELS[name] for name in names]
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.2))
    panels = [
        ("점수 s (출력층)", scores, "tab:blue"),
        ("eˢ (모두 양수)", exps, "tab:red"),
        (f"eˢ / Σ eˢ (소프트맥스, {twins[0]})", probs, "tab:green"),
        ("라벨 (원-핫: 차)", np.array([0.0, 1.0, 0.0]), "purple"),
    ]
    for ax, (title, values, color) in zip(axes, panels, strict=True):
        ax.bar(labels, values, color=color)
        for k, v in enumerate(values):  # above the bar, clear of the torch marker on its top
            text = f"{v:.2f}".replace("-", "−")
            ax.annotate(text, (k, v), xytext=(0, 6 if v >= 0 else -6), textcoords="offset points",
                        ha="center", va="bottom" if v >= 0 else "top", fontsize=8)  # fmt: skip
        ax.margins(y=0.15)
        ax.axhline(0, color="0.5", linewidth=0.8)
        ax.set_title(title, fontsize=9)
    if len(twins) == 2:
        other = softmax_example(twins[1])[3]
        axes[2].plot(labels, other, "ko", markerfacecolor="none", label="torch")
        axes[2].legend(fontsize=8)
    given = ", ".join(f"{label} {_minus(score)}" for label, score in zip(labels, scores, strict=True))
    result = ", ".join(f"{p:.2f}" for p in probs)
    fig.suptitle(f"C3.1.1-softmax: 노트의 예 — {given} → {result}", y=1.04)
    return save_figure(fig, "C3.1.1-softmax-example", outdir, board)


def loss_figures(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> list[Path]:
    p = np.linspace(0.005, 1.0, 400)
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    plot_twins(ax, p, {twin: neg_log_curve(p, twin) for twin in twins}, "−log ŷ", "tab:blue", every=20)
    names, _, _, probs = softmax_example(twins[0])  # the notes' example: the cat's and the car's ŷ
    for name in ("cat", "car"):
        prob = float(probs[names.index(name)])
        value = float(neg_log_curve(np.array([prob]), twins[0])[0])
        ax.plot(prob, value, "ko")
        text = f"{SOFTMAX_LABELS[name]} {prob:.2f} → {value:.2f}"
        ax.annotate(text, (prob, value), xytext=(6, 6), textcoords="offset points", fontsize=8)
    ax.set(
        title="C3.1.2-cross-entropy: 정답 클래스의 E = −log ŷ",
        xlabel="ŷ: 정답 클래스의 예측 확률",
        ylabel="E",
    )
    ax.legend(fontsize=7)
    paths = [save_figure(fig, "C3.1.2-cross-entropy-neg-log", outdir, board)]

    z = np.linspace(-10, 10, 401)
    curves = {twin: logit_gradients(z, twin) for twin in twins}
    fig, (ax_e, ax_g) = plt.subplots(1, 2, figsize=(11, 3.8))
    for name, color in (("MSE", "tab:orange"), ("cross-entropy", "tab:blue")):
        label = "½(σ(z) − 1)²" if name == "MSE" else "−log σ(z)"
        plot_twins(
            ax_e, z, {t: curves[t][name][0] for t in twins}, f"{LOSS_NAMES[name]}: {label}", color, every=20
        )
        plot_twins(ax_g, z, {t: -curves[t][name][1] for t in twins}, LOSS_NAMES[name], color, every=20)
    at = int(np.argmin(np.abs(z - CONFIDENT_WRONG)))
    wrong = 1 / (1 + np.exp(-CONFIDENT_WRONG))  # ŷ = σ(z) there
    for name in ("MSE", "cross-entropy"):
        g = -curves[twins[0]][name][1][at]
        ax_g.annotate(
            f"{LOSS_NAMES[name]}: {g:.4f}",
            (CONFIDENT_WRONG, g),
            xytext=(8, 4),
            textcoords="offset points",
            fontsize=8,
        )
    ax_g.axvline(CONFIDENT_WRONG, color="0.6", linestyle=":")
    ax_e.set(title="정답 y = 1일 때의 손실", xlabel="로짓 z (ŷ = σ(z))", ylim=(0, 3))
    ax_g.set(
        title=f"−∂E/∂z: z = {_minus(CONFIDENT_WRONG)}에서 (ŷ ≈ {wrong:.2g}, 자신 있게 틀림)",
        xlabel="로짓 z",
        ylabel="기울기의 크기",
    )
    ax_e.legend(fontsize=8)
    ax_g.legend(fontsize=8)
    fig.suptitle(
        "C3.1.2-mse vs C3.1.2-cross-entropy: MSE의 기울기 (ŷ − y)·σ′(z)는 예측이 가장 틀린 곳에서 "
        "사라지지만, 교차 엔트로피의 ŷ − y는 사라지지 않습니다",
        fontsize=10,
        y=1.03,
    )
    paths.append(save_figure(fig, "C3.1.2-mse-vs-cross-entropy-gradient", outdir, board))
    paths.append(_huber_figure(outdir, board, twins))
    return paths


def _huber_figure(outdir: Path, board: FigureBoard, twins: tuple[str, ...]) -> Path:
    """C3.1.2-huber: each loss and its derivative against the error d = ŷ − y, in each twin."""
    d = np.linspace(-3, 3, 601)
    curves = {twin: robust_loss_curves(d, twin) for twin in twins}
    fig, (ax_e, ax_g) = plt.subplots(1, 2, figsize=(11, 3.8))
    styles = {"MSE": "tab:orange", "Huber δ=1": "tab:blue", "SmoothL1 β=0.5": "tab:green"}
    for name, color in styles.items():
        label = HUBER_LABELS[name]
        plot_twins(ax_e, d, {t: curves[t][name][0] for t in twins}, label, color, every=40)
        plot_twins(ax_g, d, {t: curves[t][name][1] for t in twins}, label, color, every=40)
    for ax in (ax_e, ax_g):
        for edge in (-1.0, 1.0):
            ax.axvline(edge, color="0.8", linewidth=0.8, zorder=0)
        ax.axhline(0, color="0.6", linewidth=0.8, zorder=0)
    ax_e.set(title="손실 ℓ(d)", xlabel="오차 d = ŷ − y", ylim=(0, 6))
    ax_g.set(title="기울기 ∂ℓ/∂ŷ", xlabel="오차 d = ŷ − y", ylim=(-4, 4))
    handles, labels = ax_e.get_legend_handles_labels()  # one legend for both panels, under them
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=8)
    fig.suptitle(
        "C3.1.2-huber: Huber 손실은 |d| < δ에서 ½d², 그 밖에서 직선이라 기울기가 ±δ를 넘지 않습니다 "
        "(MSE의 기울기 2d는 끝없이 커집니다)",
        fontsize=10,
        y=1.03,
    )
    return save_figure(fig, "C3.1.2-huber-vs-mse", outdir, board)
