# %% [markdown]
# # 05. 최적화 (seed §3.2.1–3.2.3)
#
# 역전파(§3.2, 04_역전파)가 손실 E의 gradient를 모든 가중치에 전달하면, 가중치와 편향을 손실 함수에 대해
# 최적화(optimization)하는 방법이 필요합니다. 노트는 그 방법들을 통틀어 **Optimizer**라고 부릅니다. 이
# 장에서는 경사 하강법(Gradient Descent)부터 SGD, Momentum, 노트의 비교 그림 속 optimizer들(Nesterov,
# AdaGrad, RMSprop, Adam, AdamW)을 보고, 그들이 부딪치는 Local Minima와 Saddle Point, 그리고 기울기 소실
# 문제를 봅니다.
#
# optimizer 쌍둥이의 계약은 궤적(trajectory)입니다: 같은 출발점과 같은 gradient에서 20 스텝 이상의 경로가
# float64에서 `rtol=1e-10` 안에서 같아야 합니다. scratch 쌍둥이의 곡면은 손으로 쓴 gradient를, torch
# 쌍둥이는 autograd를 씁니다.

# %%
import inspect

import matplotlib.pyplot as plt
import numpy as np
import torch

from parity_tests.parity import assert_twin_close, to_torch
from scratch import nn as snn
from scratch import optim as soptim
from scratch.data.datasets import make_2d
from scratch.data.loader import DataLoader as ScratchLoader
from scratch.data.loader import TensorDataset
from scratch.distributed import average_gradients, ring_allreduce, shard_rows
from scratch.models import diagnostics as sdiag
from scratch.models import mlp as smlp
from scratch.models import surfaces as ssurf
from scratch.train import train_step as scratch_step
from torch_impl import nn as tnn
from torch_impl import optim as toptim
from torch_impl.data.loader import DataLoader as TorchLoader
from torch_impl.models import diagnostics as tdiag
from torch_impl.models import mlp as tmlp
from torch_impl.models import surfaces as tsurf
from torch_impl.nn.state import load_numpy_state_dict
from torch_impl.train import train_step as torch_step
from twin_nets.notebooks import check, figure, show, start
from twin_nets.notebooks.ranks import DATA_PARALLEL_SPEC, run_job

ROOT = start()


def rule(optimizer_class):
    """The optimizer's update rule: the function beside its class (sgd beside SGD, adam beside Adam)."""
    module = inspect.getmodule(optimizer_class)
    return getattr(module, optimizer_class.__name__.lower(), optimizer_class)


def paths(surface, optimizer, options, start=(-7.0, 2.0), steps=30):
    """Both twins' paths of ``optimizer`` on ``surface`` from ``start``: (steps + 1, 2) each."""
    s_surface, t_surface = getattr(ssurf, surface)(start), getattr(tsurf, surface)(start)
    s_opt = getattr(soptim, optimizer)(s_surface.parameters(), **options)
    t_opt = getattr(toptim, optimizer)(t_surface.parameters(), **options)
    s_path, t_path = [s_surface.xy.data.copy()], [t_surface.xy.detach().clone()]
    for _ in range(steps):
        s_opt.zero_grad()
        s_surface()
        s_surface.backward()  # the hand-written ∇f
        s_opt.step()
        t_opt.zero_grad()
        t_surface().backward()  # torch's autograd
        t_opt.step()
        s_path.append(s_surface.xy.data.copy())
        t_path.append(t_surface.xy.detach().clone())
    return np.stack(s_path), torch.stack(t_path)


def draw(surface, runs, title, xlim=(-8, 8), ylim=(-3, 3)):
    """Contours of ``surface`` with each run's path: scratch as a line, torch as dots on it."""
    xs, ys = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
    _, ax = plt.subplots(figsize=(6.5, 3.2))
    ax.contour(xs, ys, getattr(ssurf, surface).function(xs, ys), levels=25, cmap="Greys", linewidths=0.6)
    for label, (s_path, t_path) in runs.items():
        (line,) = ax.plot(s_path[:, 0], s_path[:, 1], lw=2, alpha=0.7, label=f"{label} (scratch 선)")
        ax.plot(t_path[:, 0], t_path[:, 1], ".", color=line.get_color(), ms=4)
    ax.set(title=title, xlabel="x", ylabel="y", xlim=xlim, ylim=ylim)
    ax.legend(fontsize=8, loc="upper right")
    plt.show()


# %% [markdown]
# ## C3.2.1-gd — 경사 하강법 (seed §3.2.1)
#
# 경사 하강법(Gradient Descent)의 gradient는 고차원 벡터의 편미분 값, descent는 하강입니다. 미분계수 부호의
# 반대 방향으로 반복해 이동하며 최솟값을 찾습니다. 시작점에서 멀면 미분계수가 크고, 이동할수록 0에
# 수렴합니다. 움직일 거리는 미분계수에 학습률(learning rate, α)을 곱해 정합니다: w ← w − α ∂E/∂w. 여러 층의
# 가중치는 미분의 연쇄법칙으로(§3.2) 얻은 편미분으로 층별로 갱신합니다. torch의 `SGD`에 전체 데이터를
# 한 번에 주면 경사 하강법입니다.
#
# 곡면은 노트의 optimizer 비교 그림의 것, f(x, y) = x²/20 + y²입니다(출발점 (−7, 2)).

# %%
show(soptim.SGD, rule(soptim.SGD))

# %%
gd = paths("Bowl", "SGD", {"lr": 0.1})
assert_twin_close(gd[0], gd[1], "C3.2.1-gd: path on the bowl", kind="trajectory")
draw("Bowl", {"GD (α=0.1)": gd}, "경사 하강법: f = x²/20 + y²")

# %% [markdown]
# **연습.** α = 0.1로 (−7, 2)에서 한 스텝. ∇f = (x/10, 2y)이면 다음 점은?

# %%
답 = np.array([-7 - 0.1 * (-7 / 10), 2 - 0.1 * (2 * 2)])  # 여러분의 답으로 바꿔 보세요
check(답, gd[0][1], "한 스텝 뒤의 점")

# %% [markdown]
# ## C3.2.1-sgd — 확률적 경사 하강법 (seed §3.2.1)
#
# 학습 데이터는 크고 많으므로, 모든 데이터로 한 번씩 경사 하강을 하면 효율이 떨어집니다. SGD(Stochastic
# Gradient Descent)는 일정 수의 데이터(batch)만 써서 한 스텝을 갑니다. 모든 데이터를 쓸 때보다 변동이
# 심하지만 효율과 속도에서 훨씬 뛰어납니다. 노트의 말대로 Adam과 함께 가장 자주 쓰이는 optimizer입니다.
#
# 두 쌍둥이는 같은 NumPy 생성기에서 뽑은 같은 batch 순서로 학습합니다(`DataLoader(..., rng=...)`).

# %%
show(ScratchLoader)

# %%
x_m, y_m = make_2d("moons", 200, rng=np.random.default_rng(0))
spec = smlp.MLPSpec((2, 16, 2), activation="tanh")


def train(batch_size, epochs, lr):
    """Both twins from the same weights over the same batches; the loss of every step."""
    s_model = smlp.build_mlp(spec, np.random.default_rng(1))
    t_model = tmlp.build_mlp(spec)
    load_numpy_state_dict(t_model, s_model.state_dict())
    s_opt, t_opt = soptim.SGD(s_model.parameters(), lr=lr), toptim.SGD(t_model.parameters(), lr=lr)
    s_loader = ScratchLoader(TensorDataset(x_m, y_m), batch_size, shuffle=True, rng=np.random.default_rng(2))
    t_data = torch.utils.data.TensorDataset(to_torch(x_m), torch.from_numpy(y_m))
    t_loader = TorchLoader(t_data, batch_size, shuffle=True, rng=np.random.default_rng(2))
    s_losses, t_losses = [], []
    for _ in range(epochs):
        for (xb, yb), (xb_t, yb_t) in zip(s_loader, t_loader, strict=True):
            s_losses.append(scratch_step(s_model, snn.CrossEntropyLoss(), s_opt, xb, yb)[0])
            t_losses.append(torch_step(t_model, tnn.CrossEntropyLoss(), t_opt, xb_t, yb_t)[0])
    return np.array(s_losses), torch.tensor(t_losses, dtype=torch.float64), len(s_loader)


full = train(batch_size=200, epochs=20, lr=0.5)  # 경사 하강법: 에폭당 1 스텝
mini = train(batch_size=20, epochs=20, lr=0.5)  # SGD: 에폭당 10 스텝
assert_twin_close(full[0], full[1], "C3.2.1-gd: full-batch loss per step", kind="trajectory")
assert_twin_close(mini[0], mini[1], "C3.2.1-sgd: mini-batch loss per step", kind="trajectory")
fig, ax = plt.subplots(figsize=(6.5, 3))
ax.plot(np.arange(1, 21), full[0], "o-", label="경사 하강법 (batch 200, 에폭당 1 스텝)")
ax.plot(np.arange(1, 201) / 10, mini[0], lw=1, label="SGD (batch 20, 에폭당 10 스텝)")
ax.set(xlabel="에폭", ylabel="학습 손실 E", title="같은 모델, 같은 시작점: 에폭당 손실")
ax.legend()
plt.show()

# %%
figure("C3.2.1-gd-vs-sgd-loss")

# %% [markdown]
# **연습.** 데이터 1000개, batch 크기 100이면 한 에폭은 몇 번의 iteration일까요? (§4.3의 예)

# %%
답 = 10
check(
    답, len(ScratchLoader(TensorDataset(np.zeros((1000, 1)), np.zeros(1000)), batch_size=100)), "iteration 수"
)

# %% [markdown]
# ## C3.2.1-momentum — Momentum (seed §3.2.1)
#
# Momentum은 관성입니다: 진행하던 방향으로 계속 가려는 성질. 미분값이 클 때 일종의 가속도를 붙여 더 큰
# 보폭으로 움직이고, local minima 문제(§3.2.2)를 푸는 데 도움이 됩니다. 교과서의 식은 v ← μv − αg,
# w ← w + v이고(`TextbookMomentum`), torch는 b ← μb + g, w ← w − αb로 씁니다(`SGD(momentum=μ)`, 첫 b는 첫
# gradient). 학습률이 일정하면 두 식의 경로는 같습니다 — 아래에서 확인합니다.

# %%
show(soptim.TextbookMomentum, rule(soptim.TextbookMomentum))

# %%
momentum = paths("Bowl", "SGD", {"lr": 0.1, "momentum": 0.9})
textbook = paths("Bowl", "TextbookMomentum", {"lr": 0.1, "momentum": 0.9})
assert_twin_close(momentum[0], momentum[1], "C3.2.1-momentum: SGD(momentum) path", kind="trajectory")
assert_twin_close(textbook[0], textbook[1], "C3.2.1-momentum: TextbookMomentum path", kind="trajectory")
assert_twin_close(textbook[0], momentum[1], "C3.2.1-momentum: textbook form = torch form", kind="trajectory")
draw("Bowl", {"GD (α=0.1)": gd, "Momentum (α=0.1, μ=0.9)": momentum}, "Momentum: 관성으로 더 멀리")

# %% [markdown]
# **연습.** 첫 스텝에서 Momentum(μ = 0.9)의 이동은 GD의 이동과 같을까요? (`True`/`False`; torch의 b₁ = g₁)

# %%
답 = True
check(답, bool(np.allclose(momentum[0][1], gd[0][1])), "첫 스텝이 같다")

# %% [markdown]
# ## C3.2.1-nesterov — Nesterov momentum (seed §3.2.1, 비교 그림)
#
# 노트의 비교 그림에 있는 optimizer입니다(노트는 "모두 기억할 필요는 없고 Adam만 기억하라"고 합니다).
# Nesterov는 관성으로 갈 곳을 먼저 보고 그곳의 기울기로 고칩니다: torch의 식으로 갱신 방향이 g + μb.

# %%
nesterov = paths("Bowl", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True})
assert_twin_close(nesterov[0], nesterov[1], "C3.2.1-nesterov: path", kind="trajectory")
draw("Bowl", {"Momentum": momentum, "Nesterov": nesterov}, "Nesterov: 덜 넘어갑니다")

# %% [markdown]
# **연습.** 30 스텝 뒤 최솟값 (0, 0)까지의 거리는 Nesterov가 Momentum보다 짧을까요?

# %%
답 = True
check(답, bool(np.linalg.norm(nesterov[0][-1]) < np.linalg.norm(momentum[0][-1])), "Nesterov가 더 가깝다")

# %% [markdown]
# ## C3.2.1-adagrad — AdaGrad (seed §3.2.1, 비교 그림)
#
# 좌표마다 지금까지의 gradient 제곱합 G로 학습률을 나눕니다: w ← w − α g / (√G + ε). 많이 움직인 좌표는
# 보폭이 줄어듭니다.

# %%
show(soptim.Adagrad, rule(soptim.Adagrad))

# %%
adagrad = paths("Bowl", "Adagrad", {"lr": 1.5})
assert_twin_close(adagrad[0], adagrad[1], "C3.2.1-adagrad: path", kind="trajectory")
draw("Bowl", {"AdaGrad (α=1.5)": adagrad}, "AdaGrad")

# %% [markdown]
# **연습.** 첫 스텝에서 G = g²이므로 각 좌표의 이동은 α·sign(g)입니다.
# α = 1.5로 (−7, 2)에서 한 스텝 뒤의 점은?

# %%
답 = np.array([-7 + 1.5, 2 - 1.5])
check(답, adagrad[0][1], "AdaGrad 첫 스텝")

# %% [markdown]
# ## C3.2.1-rmsprop — RMSprop (seed §3.2.1, 비교 그림)
#
# AdaGrad의 합 대신 지수 이동 평균 v ← αv + (1 − α)g²(torch의 α = 0.99)로 나눕니다:
# 오래된 gradient는 잊힙니다.

# %%
show(soptim.RMSprop, rule(soptim.RMSprop))

# %%
rmsprop = paths("Bowl", "RMSprop", {"lr": 0.1})
assert_twin_close(rmsprop[0], rmsprop[1], "C3.2.1-rmsprop: path", kind="trajectory")
draw("Bowl", {"RMSprop (lr=0.1)": rmsprop}, "RMSprop")

# %% [markdown]
# **연습.** 첫 스텝의 v = 0.01 g²이므로 이동은 lr · g / √(0.01 g²) = 10 · lr · sign(g)입니다.
# 한 스텝 뒤의 점은?

# %%
답 = np.array([-7 + 1.0, 2 - 1.0])
check(답, rmsprop[0][1], "RMSprop 첫 스텝")

# %% [markdown]
# ## C3.2.1-adam — Adam (seed §3.2.1)
#
# 노트가 "기억해 달라"고 한 딥러닝에서 가장 많이 쓰이는 optimizer입니다. Momentum의 1차 모멘트
# m ← β₁m + (1 − β₁)g와 RMSprop의 2차 모멘트 v ← β₂v + (1 − β₂)g²를 함께 쓰고, 초기의 치우침을 고친
# m̂, v̂로 w ← w − α m̂ / (√v̂ + ε) (ε은 근호 밖, torch와 같이).

# %%
show(soptim.Adam, rule(soptim.Adam))

# %%
adam = paths("Bowl", "Adam", {"lr": 0.3})
assert_twin_close(adam[0], adam[1], "C3.2.1-adam: path", kind="trajectory")
draw(
    "Bowl",
    {"SGD (lr=0.1)": gd, "Momentum": momentum, "AdaGrad": adagrad, "Adam (lr=0.3)": adam},
    "노트의 비교 그림처럼",
)

# %%
figure("C3.2.1-optimizer-paths")

# %% [markdown]
# **연습.** 첫 스텝에서 m̂ = g, v̂ = g²이므로 이동은 α·sign(g)입니다(ε 무시). lr = 0.3의 첫 스텝 뒤의 점은?

# %%
답 = np.array([-7 + 0.3, 2 - 0.3])
check(답, adam[0][1], "Adam 첫 스텝")

# %% [markdown]
# ## C3.2.1-adamw — AdamW (seed §3.2.1의 Adam 가족)
#
# Adam의 `weight_decay`는 g에 λw를 더하는 L2입니다. AdamW는 그것을 떼어 내어(decoupled) 모멘트 계산 전에
# w ← w(1 − αλ)로 줄입니다(torch의 기본 λ = 0.01).

# %%
show(soptim.AdamW)

# %%
adamw = paths("Bowl", "AdamW", {"lr": 0.3, "weight_decay": 0.5})
assert_twin_close(adamw[0], adamw[1], "C3.2.1-adamw: path", kind="trajectory")
draw("Bowl", {"Adam": adam, "AdamW (λ=0.5)": adamw}, "AdamW: 가중치 감쇠를 따로")

# %% [markdown]
# **연습.** gradient가 0인 파라미터 w = 2에 AdamW(lr = 0.1, weight_decay = 0.5)로 한 스텝. w는?

# %%
답 = 2 * (1 - 0.1 * 0.5)
s_weight = snn.Parameter(np.array([2.0]))
t_weight = torch.nn.Parameter(torch.tensor([2.0], dtype=torch.float64))
t_weight.grad = torch.zeros_like(t_weight)  # torch skips a parameter whose grad is None
soptim.AdamW([s_weight], lr=0.1, weight_decay=0.5).step()
toptim.AdamW([t_weight], lr=0.1, weight_decay=0.5).step()
assert_twin_close(s_weight.data, t_weight, "C3.2.1-adamw: decay alone")
check(답, float(s_weight.data[0]), "AdamW 한 스텝 뒤의 w")

# %% [markdown]
# ## C3.2.1-data-parallel — 여러 worker의 mini-batch SGD (seed §3.2.1 너머)
#
# 노트 밖의 이야기지만 SGD의 자연스러운 다음 걸음입니다. 한 프로세스로 느리면 K개의 worker(rank)가 한
# batch를 나눠 가집니다. 각자 모델 전체의 복사본을 들고 자기 조각(shard, B/K개)의 평균 손실의 gradient
# g_r을 계산하고, **all-reduce**로 K개의 gradient를 평균한 뒤 모두 같은 스텝을 갑니다. 조각의 크기가 같으면
# (1/K) Σ_r g_r = (1/B) Σ_i ∇ℓ_i, 즉 한 프로세스가 batch 전체로 계산한 gradient와 **같습니다**. scratch
# 쌍둥이는 all-reduce를 MPI의 점대점 메시지 위에 링(ring) 알고리즘으로 손으로 썼고, torch 쌍둥이는
# `DistributedDataParallel`입니다.

# %%
show(average_gradients, ring_allreduce)

# %% [markdown]
# 2-rank 작업을 `mpiexec -n 2`로 실행합니다(`twin_nets/notebooks/ranks.py`): 각 rank가 8개 batch의 자기
# 4개로 gradient를 구하고 평균합니다. 그 결과를 torch 쌍둥이가 **한 프로세스에서 8개 전체로** 구한
# gradient와 비교합니다. 링 all-reduce의 합도 torch의 합과 비교합니다.

# %%
ranks = run_job("data-parallel")
t_one = tmlp.build_mlp(DATA_PARALLEL_SPEC)
load_numpy_state_dict(t_one, {k[6:]: v for k, v in ranks.items() if k.startswith("state.")})
tnn.CrossEntropyLoss()(t_one(to_torch(ranks["x"])), torch.from_numpy(ranks["y"])).backward()
for name, parameter in t_one.named_parameters():
    assert_twin_close(
        ranks[f"grad.{name}"], parameter.grad, f"C3.2.1-data-parallel: K=2 average vs one process, {name}"
    )
x0 = torch.from_numpy(ranks["x"][0])
assert_twin_close(ranks["ring"], 1.0 * x0 + 2.0 * x0, "C3.2.1-data-parallel: ring all-reduce vs torch's sum")
print(f"K = {int(ranks['size'])} rank의 평균 gradient = 한 프로세스의 batch 전체 gradient (계약 안에서)")

# %% [markdown]
# 쌍 학습 전체를 2 rank로 돌리려면 `scripts/train.py --distributed`를 launcher로 시작합니다(두 쌍둥이:
# `mpiexec`, torch 쌍둥이만: `torchrun`이 `DistributedDataParallel`로 감쌉니다, `torch_impl/distributed.py`).
# 각 rank가 같은 batch의 자기 조각을 맡으므로, batch 크기와 마지막 batch가 K로 나누어떨어져야 합니다
# (digits의 1437개는 batch 64에서 29개가 남으므로 `--drop-last`):
#
# ```bash
# .venv/bin/mpiexec -n 2 .venv/bin/python scripts/train.py --distributed --drop-last --hidden 16 --epochs 1
# .venv/bin/torchrun --nproc-per-node 2 scripts/train.py --impl torch --distributed --drop-last
# ```
#
# 두 launcher의 K = 1, 2, 4 증명은 `parity_tests/distributed/`에 있습니다.

# %% [markdown]
# **연습.** batch 64를 K = 2 rank가 나누면 rank 1은 몇 번째부터 몇 번째 행을 받을까요? (`slice(시작, 끝)`)

# %%
답 = slice(32, 64)
check(답, shard_rows(64, 1, 2), "rank 1의 행")

# %% [markdown]
# ## C3.2.2-local-minima — Local Minima (seed §3.2.2)
#
# optimizer의 목표는 손실이 최소인 지점이지만, 함수에는 극소 지점이 여러 곳에 있을 수 있습니다. 학습률이 너무
# 작으면 경사 하강법은 극소 지점에 머뭅니다: 이것이 Local minima입니다. momentum이 그 해결책이 될 수 있다고
# 노트가 말한 이유입니다. 곡면 f = (x² − 1)² + 0.3x + y²는 x ≈ 0.96에 얕은 극소,
# x ≈ −1.04에 전역 최소가 있습니다.

# %%
show(ssurf.TwoMinima)

# %%
start_lm = (2.0, 1.5)
local_runs = {
    "GD (lr=0.01)": paths("TwoMinima", "SGD", {"lr": 0.01}, start_lm, 800),
    "Momentum (lr=0.01, μ=0.9)": paths("TwoMinima", "SGD", {"lr": 0.01, "momentum": 0.9}, start_lm, 800),
    "Adam (lr=0.3)": paths("TwoMinima", "Adam", {"lr": 0.3}, start_lm, 800),
}
for label, (s_path, t_path) in local_runs.items():
    assert_twin_close(s_path, t_path, f"C3.2.2-local-minima: {label}", kind="trajectory")
    print(f"{label:28s} 도착 x = {s_path[-1, 0]:+.3f}")
draw("TwoMinima", local_runs, "Local minima: GD는 얕은 극소에 멈춥니다", xlim=(-2, 2.5), ylim=(-1.75, 1.75))

# %%
figure("C3.2.2-local-minima-paths")

# %% [markdown]
# **연습.** GD는 어느 x에서 멈출까요? (소수 둘째 자리)

# %%
답 = 0.96
check(답, round(float(local_runs["GD (lr=0.01)"][0][-1, 0]), 2), "GD의 도착 x")

# %% [markdown]
# ## C3.2.2-saddle — Saddle Point (seed §3.2.2)
#
# 고차원 함수에서, 어떤 점이 한 방향으로는 최소이지만 다른 방향으로는 최대인 문제입니다. 그 점에서 gradient가
# 0이므로 더 좋은 값이 있어도 학습이 멈춥니다. f = x² − y²의 (0, 0)이 그 점입니다. 그 근처에서 y 방향의
# gradient는 아주 작아서 GD는 스텝마다 y를 (1 + 2α)배만 키우며 기어갑니다.

# %%
show(ssurf.Saddle)

# %%
start_saddle = (1.5, 0.001)
saddle_runs = {
    "GD (lr=0.01)": paths("Saddle", "SGD", {"lr": 0.01}, start_saddle, 100),
    "Momentum (lr=0.01, μ=0.9)": paths("Saddle", "SGD", {"lr": 0.01, "momentum": 0.9}, start_saddle, 100),
    "Adam (lr=0.05)": paths("Saddle", "Adam", {"lr": 0.05}, start_saddle, 100),
}
for label, (s_path, t_path) in saddle_runs.items():
    assert_twin_close(s_path, t_path, f"C3.2.2-saddle: {label}", kind="trajectory")
    print(f"{label:28s} 100 스텝 뒤 y = {s_path[-1, 1]:+.4f}")
draw("Saddle", saddle_runs, "Saddle point: GD는 안장점 근처에 머뭅니다", xlim=(-2, 2), ylim=(-2, 2))

# %%
figure("C3.2.2-saddle-paths")

# %% [markdown]
# **연습.** GD(α = 0.01)가 y = 0.001에서 시작해 100 스텝 가면 y는? (y ← (1 + 2α) y)

# %%
답 = 0.001 * 1.02**100
check(답, float(saddle_runs["GD (lr=0.01)"][0][-1, 1]), "100 스텝 뒤의 y")

# %% [markdown]
# ## C3.2.3-vanishing — 기울기 소실 문제 (seed §3.2.3)
#
# 역전파에서 gradient는 연쇄 법칙에 따라 출력층에서 은닉층들을 거쳐 입력층까지 곱해지며 전달됩니다.
# 시그모이드의 미분은 아무리 커도 0.25이므로, 층을 하나 지날 때마다 [0, 0.25]의 값이 곱해져 gradient가
# 0으로 수렴하고 학습이 멈춥니다. tanh도 0에서 멀어지면 마찬가지입니다. ReLU의 미분은 0 또는 1이라 이
# 문제를 상당 부분 극복했습니다. 10층 × 100 유닛 네트워크에서 층별 gradient의 크기(norm)를 두 쌍둥이로 잽니다.

# %%
show(sdiag.layer_gradient_norms)

# %%
x_deep = np.random.default_rng(3).standard_normal((64, 100))
y_deep = np.random.default_rng(4).integers(0, 10, 64)
norms = {}
for activation, init in (("sigmoid", "xavier"), ("relu", "he")):
    deep_spec = smlp.MLPSpec((100,) * 10 + (10,), activation=activation, init=init)
    s_deep = smlp.build_mlp(deep_spec, np.random.default_rng(5))
    t_deep = tmlp.build_mlp(deep_spec)
    load_numpy_state_dict(t_deep, s_deep.state_dict())
    s_loss = snn.CrossEntropyLoss()
    s_loss(s_deep(x_deep), y_deep)
    s_deep.backward(s_loss.backward())
    tnn.CrossEntropyLoss()(t_deep(to_torch(x_deep)), torch.from_numpy(y_deep)).backward()
    s_norms, t_norms = sdiag.layer_gradient_norms(s_deep), tdiag.layer_gradient_norms(t_deep)
    assert list(s_norms) == list(t_norms)
    assert_twin_close(
        np.array(list(s_norms.values())),
        torch.tensor(list(t_norms.values()), dtype=torch.float64),
        f"C3.2.3: {activation}",
    )
    norms[activation] = s_norms
fig, ax = plt.subplots(figsize=(6.5, 3))
for activation, values in norms.items():
    ax.semilogy(range(1, len(values) + 1), list(values.values()), "o-", label=activation)
ax.set(xlabel="파라미터 (입력 쪽 → 출력 쪽)", ylabel="‖∂E/∂w‖", title="층별 gradient의 크기")
ax.legend()
plt.show()

# %%
figure("C3.2.3-vanishing-gradient-norms")

# %% [markdown]
# **연습.** 시그모이드 네트워크에서 첫 층 가중치의 gradient는 마지막 층 것의 1/100보다 작을까요?

# %%
답 = True
first, last = norms["sigmoid"]["0.weight"], list(norms["sigmoid"].values())[-2]
check(답, bool(first < last / 100), "첫 층의 gradient가 100배 넘게 작다")
