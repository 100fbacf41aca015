"""Figures of sequences (seed §4.3's claim, week 3's RNN): batch norm against layer norm inside an LSTM's
recurrence (C4.3-layernorm-sequences), in Korean.

  C4.3-rnn-vanishing-through-time.png   ‖∂E/∂h_t‖ against t: tanh RNN, LSTM, LSTM with b_f = 1
  C4.3-lstm-recall-accuracy.png   recall the first token: test accuracy against T, the same three models
                                  (each seed a dot, the median a line; both twins)
  C4.3-layernorm-sequences-accuracy-by-length.png   test accuracy against the test length (1×–8× the
                                 training length) of a batch-norm and a layer-norm LSTM on the marker task
                                 (``twin_nets.experiments.sequence_length``), one panel per norm: each
                                 seed (thin), the median (thick line: scratch, markers: torch); batch
                                 norm also tested with the test batch's own statistics (dashed, band:
                                 the seeds' range)
  C4.3-layernorm-sequences.png   left: how far sequence A's outputs move when only its batch-mates or only
                                 their padding change (the seeds' mean as bars, their range as error bars,
                                 scratch and torch twins side by side); right: per step, eval mode against
                                 the batch's own statistics, with the training length marked (mean and
                                 range over seeds)

The group ``sequences`` of ``GROUPS`` (``scripts/sequences.py``, ``scripts/figures.py --only sequences``)
draws all four (``sequences_figures``); Korean text through the project's font (``twin_nets.font``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from twin_nets.experiments import sequence_norm as sn
from twin_nets.figures import plt, save_figure
from twin_nets.figures.board import FigureBoard

CONCEPT = "C4.3-layernorm-sequences"
SEEDS = range(5)
NORM_KO = {"batch": "배치 정규화", "layer": "레이어 정규화"}
COLORS = {"batch": "tab:blue", "layer": "tab:orange"}
BAR_ALPHA = {"scratch": 1.0, "torch": 0.55}  # each twin's bars: scratch's solid, torch's lighter beside them
RANGE_BAND = {"scratch": True, "torch": False}  # the seeds' range: one band, around scratch's curve


def summary(gaps: dict) -> str:
    """The measured spreads, one line per normalization, quantity and twin."""
    lines = [f"{CONCEPT}: sequence A's largest output change, mean (range) over seeds {list(SEEDS)}"]
    for norm, rows in gaps.items():
        for twin in sn.TWINS:
            mates = np.array([g[twin].batch_mates for g in rows])
            padding = np.array([g[twin].padding for g in rows])
            unseen = np.array([g[twin].unseen_by_step for g in rows])
            seen, beyond = unseen[:, : sn.TRAIN_LENGTH].mean(1), unseen[:, sn.TRAIN_LENGTH :].mean(1)
            lines.append(
                f"  {norm:5s} {twin:7s} batch-mates {mates.mean():.3g} "
                f"({mates.min():.3g}–{mates.max():.3g}), "
                f"padding {padding.mean():.3g} ({padding.min():.3g}–{padding.max():.3g}), eval gap "
                f"steps ≤ {sn.TRAIN_LENGTH} {seen.mean():.3g} ({seen.min():.3g}–{seen.max():.3g}), "
                f"beyond {beyond.mean():.3g} ({beyond.min():.3g}–{beyond.max():.3g})"
            )
    return "\n".join(lines)


def sequence_figures(outdir: Path, board: FigureBoard | None = None, twins=sn.TWINS) -> list[Path]:
    """Measure over ``SEEDS`` and draw ``C4.3-layernorm-sequences.png``."""
    gaps = sn.measure_seeds(SEEDS)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
    labels = ["같은 배치의 다른 시퀀스가 바뀔 때", "다른 시퀀스의 패딩만 바뀔 때"]
    for k, norm in enumerate(sn.NORMS):
        for j, twin in enumerate(twins):
            values = np.array([[g[twin].batch_mates, g[twin].padding] for g in gaps[norm]])
            x = np.arange(2) + (2 * k + j - 1.5) * 0.18
            mean = values.mean(0)
            err = np.abs(np.stack([mean - values.min(0), values.max(0) - mean]))
            left.bar(
                x,
                mean,
                0.17,
                yerr=err,
                color=COLORS[norm],
                alpha=BAR_ALPHA[twin],
                label=f"{NORM_KO[norm]} ({twin})",
                capsize=3,
            )
    left.set_xticks(range(2), labels)
    left.set_ylabel("시퀀스 A 출력의 최대 변화")
    left.set_title("같은 시퀀스, 다른 배치 (학습 모드)")
    left.legend(fontsize=10)
    steps = np.arange(1, sn.TEST_LENGTH + 1)
    for norm in sn.NORMS:
        for twin, style in zip(twins, ("-", "o"), strict=False):
            curves = np.array([g[twin].unseen_by_step for g in gaps[norm]])
            right.plot(
                steps, curves.mean(0), style, color=COLORS[norm], ms=4, label=f"{NORM_KO[norm]} ({twin})"
            )
            if RANGE_BAND[twin]:
                right.fill_between(steps, curves.min(0), curves.max(0), color=COLORS[norm], alpha=0.2)
    right.set_ylim(top=right.get_ylim()[1] * 1.8)  # room above the band for the legend
    right.axvline(sn.TRAIN_LENGTH + 0.5, color="gray", ls="--")
    right.text(sn.TRAIN_LENGTH + 0.7, right.get_ylim()[1] * 0.05, "← 학습한 시퀀스 길이", color="gray")
    right.set_xlabel("시퀀스 길이 (시간 단계 t)")
    right.set_ylabel("평가 모드와 배치 통계의 최대 차이")
    right.set_title("학습 때 보지 못한 시퀀스 길이")
    right.legend(fontsize=10, loc="upper right")
    path = save_figure(
        fig, CONCEPT, outdir, board, title="순환 신경망 안의 배치 정규화와 레이어 정규화 (노트 §4.3)"
    )
    print(summary(gaps))
    return [path]


THROUGH_TIME = "C4.3-rnn-vanishing-through-time"
MODEL_KO = {
    "rnn-tanh": "tanh RNN",
    "lstm": "LSTM (torch 기본 초기화)",
    "lstm-forget-bias-1": "LSTM (망각 게이트 편향 1)",
}


def through_time_figures(outdir: Path, board: FigureBoard | None = None, twins=sn.TWINS) -> list[Path]:
    """‖∂E/∂h_t‖ / ‖∂E/∂h_T‖ against t, the seeds' mean (line: scratch, markers: torch) and range (band)."""
    from twin_nets.experiments import through_time as tt

    runs = [tt.measure(seed) for seed in SEEDS]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    steps = np.arange(1, tt.STEPS + 1)
    for model, color in zip(tt.MODELS, ("tab:red", "tab:gray", "tab:green"), strict=True):
        for twin, style in zip(twins, ("-", "o"), strict=False):
            curves = np.array([r[model][twin] / r[model][twin][-1] for r in runs])
            mean = np.exp(np.log(curves).mean(0))  # geometric mean: the curves span 12 orders of magnitude
            ax.semilogy(steps, mean, style, color=color, ms=3, label=f"{MODEL_KO[model]} ({twin})")
            if RANGE_BAND[twin]:
                ax.fill_between(steps, curves.min(0), curves.max(0), color=color, alpha=0.2)
    ax.set_xlabel("시간 단계 t (손실은 마지막 단계 T에서만)")
    ax.set_ylabel("기울기 크기 ‖dE/dh_t‖ (마지막 단계 = 1)")
    ax.set_title("시간을 거슬러 가는 기울기 소실: 시퀀스 길이 40")
    ax.legend(fontsize=8)
    return [save_figure(fig, THROUGH_TIME, outdir, board)]


RECALL = "C4.3-lstm-recall-accuracy"


def recall_figures(
    outdir: Path, board: FigureBoard | None = None, twins=sn.TWINS, setting=None
) -> list[Path]:
    """Test accuracy of the recall task against T (``experiments.recall``, its documented setting unless
    ``setting``): per model each seed's accuracy as a dot and the seeds' median as a line (the first
    twin; the second twin's medians as crosses), the models side by side at each T, chance marked; the
    title counts the runs in which the twins' accuracies are equal."""
    from twin_nets.experiments import recall as rc

    setting = rc.RecallSetting() if setting is None else setting
    results = rc.sweep(setting, tuple(twins))
    runs = [run for by_length in results.values() for rows in by_length.values() for run in rows]
    same = sum(len(set(run.accuracy.values())) == 1 for run in runs)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    lengths = np.array(setting.lengths)
    for k, model in enumerate(setting.models):
        color = RECALL_COLORS[model]
        where = lengths * 2.0 ** (0.12 * (k - (len(setting.models) - 1) / 2))  # side by side at each T
        for twin, style in zip(twins, ("-", "x"), strict=False):
            rows = np.array([[run.accuracy[twin] for run in results[model][t]] for t in setting.lengths])
            label = f"{MODEL_KO[model]} ({twin}, 중앙값)"
            ax.plot(where, np.median(rows, 1), style, color=color, ms=7, mew=1.5, label=label)
            if RANGE_BAND[twin]:
                for t, row in zip(where, rows, strict=True):
                    ax.plot(np.full(len(row), t), row, "o", color=color, ms=5, alpha=0.5, mew=0)
    ax.plot([], [], "o", color="black", alpha=0.5, ms=5, mew=0, label="시드 하나 (scratch)")
    ax.axhline(setting.chance, color="gray", ls="--", lw=1, label=f"무작위 추측 (1/{setting.symbols})")
    ax.set_xscale("log", base=2)
    ax.set_xticks(lengths, [str(t) for t in lengths])
    ax.minorticks_off()
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("시퀀스 길이 T (첫 토큰과 읽는 시점 사이)")
    ax.set_ylabel("테스트 정확도")
    ax.set_title(
        f"첫 토큰 기억하기: 시드 {len(setting.seeds)}개 (점)와 중앙값 (선)\n"
        f"두 쌍둥이의 정확도가 같은 실행: {same}/{len(runs)}",
        fontsize=11,
    )
    ax.legend(fontsize=9, loc="center left", bbox_to_anchor=(1.02, 0.5))
    print(rc.summary(results, setting))
    return [save_figure(fig, RECALL, outdir, board)]


RECALL_COLORS = {"rnn-tanh": "tab:red", "lstm": "tab:gray", "lstm-forget-bias-1": "tab:green"}


BY_LENGTH = "C4.3-layernorm-sequences-accuracy-by-length"
BATCH_STATS_COLOR = "tab:purple"


def length_summary(runs: dict) -> str:
    """The measured spreads: per norm and twin, median (min–max) over the seeds at each test length."""
    from twin_nets.experiments import sequence_length as sl

    lines = [
        f"{BY_LENGTH}: test accuracy, median (min–max) over seeds {list(SEEDS)}, lengths {sl.TEST_LENGTHS}"
    ]
    for norm, rows in runs.items():
        for twin in sn.TWINS:
            median, low, high = sl.spread(rows, twin)
            cells = ", ".join(f"{m:.3f} ({a:.3f}–{b:.3f})" for m, a, b in zip(median, low, high, strict=True))
            lines.append(f"  {norm:5s} {twin:7s} {cells}")
            if rows[0].batch_stats is not None:
                median, low, high = sl.spread(rows, twin, "batch_stats")
                cells = ", ".join(
                    f"{m:.3f} ({a:.3f}–{b:.3f})" for m, a, b in zip(median, low, high, strict=True)
                )
                lines.append(f"  {norm:5s} {twin:7s} {cells}  (the test batch's own statistics)")
    return "\n".join(lines)


def length_accuracy_figures(outdir: Path, board: FigureBoard | None = None, twins=sn.TWINS) -> list[Path]:
    """Test accuracy against the test length, one panel per norm: each seed's curve (thin, scratch), the
    median over ``SEEDS`` (thick line: scratch, markers: torch); batch norm's panel also with the test
    batch's own statistics (dashed median, the seeds' range as a band)."""
    from twin_nets.experiments import sequence_length as sl

    runs = sl.train_and_test_seeds(SEEDS)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
    lengths = np.array(sl.TEST_LENGTHS)
    for ax, norm in zip(axes, sl.NORMS, strict=True):
        for k, run in enumerate(runs[norm]):
            label = "시드별 (scratch)" if k == 0 else None
            ax.plot(lengths, run.accuracy[twins[0]], color=COLORS[norm], lw=1, alpha=0.45, label=label)
        for twin, style in zip(twins, ("-", "o"), strict=False):
            median = sl.spread(runs[norm], twin)[0]
            ax.plot(lengths, median, style, color=COLORS[norm], lw=3, ms=8, label=f"중앙값 ({twin})")
        if norm == "batch":  # the same models tested with the test batch's own statistics
            for twin, style in zip(twins, ("--", "x"), strict=False):
                median, low, high = sl.spread(runs[norm], twin, "batch_stats")
                label = f"배치 통계 (학습 모드): 중앙값 ({twin})"
                ax.plot(lengths, median, style, color=BATCH_STATS_COLOR, lw=2, ms=8, label=label)
                if RANGE_BAND[twin]:
                    ax.fill_between(lengths, low, high, color=BATCH_STATS_COLOR, alpha=0.15)
        ax.axhline(0.5, color="gray", ls=":")
        ax.text(lengths[0], 0.52, "찍기 (50 %)", color="gray")
        ax.set_xscale("log", base=2)
        ax.set_xticks(lengths, [f"{n}\n({n // sl.TRAIN_LENGTH}×)" for n in lengths])
        ax.set_ylim(0.45, 1.03)
        ax.set_xlabel("테스트 시퀀스 길이 (학습한 최대 길이의 몇 배)")
        ax.set_title(NORM_KO[norm])
        ax.legend(fontsize=10, loc="center left")
    axes[0].set_ylabel("정확도 (실선: 평가 모드)")
    title = (
        f"표식 과제: 길이 1–{sl.TRAIN_LENGTH}로 학습하고 더 긴 시퀀스로 테스트"
        f" (시드 {len(SEEDS)}개, 노트 §4.3)"
    )
    path = save_figure(fig, BY_LENGTH, outdir, board, title=title)
    print(length_summary(runs))
    return [path]


def sequences_figures(
    outdir: Path, board: FigureBoard | None = None, twins=sn.TWINS, recall_setting=None
) -> list[Path]:
    """The group ``sequences``: ``C4.3-layernorm-sequences.png``, ``C4.3-rnn-vanishing-through-time.png``,
    ``C4.3-layernorm-sequences-accuracy-by-length.png``, ``C4.3-lstm-recall-accuracy.png`` (the recall task
    on ``recall_setting``, default the documented one: minutes of CPU)."""
    return [
        *sequence_figures(outdir, board, twins),
        *through_time_figures(outdir, board, twins),
        *length_accuracy_figures(outdir, board, twins),
        *recall_figures(outdir, board, twins, recall_setting),
    ]
