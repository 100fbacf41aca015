# %% [markdown]
# # 05. 최적화 (노트 §3.2.1–3.2.3)
#
# 역전파(§3.2, 04_역전파)로 모든 가중치에 대한 손실 E의 기울기를 구했으면, 이제 그 기울기로 손실이 작아지도록
# 가중치와 편향을 고칠 차례입니다. 이것을 최적화(optimization)라고 하고, 노트는 최적화하는 방법들을 통틀어
# **옵티마이저**(optimizer)라고 부르고, 글로는 경사 하강법(gradient descent), 확률적 경사 하강법(SGD),
# 모멘텀(momentum), Adam 네 가지를 설명합니다. 이 노트북은 그 넷에, Adam을 이해하는 데 필요한 AdaGrad와
# RMSprop, 그리고 Nesterov 모멘텀과 AdamW를 덧붙입니다(이 넷은 노트 밖의 내용입니다). 그다음 옵티마이저가
# 부딪치는 지역 최솟값(local minimum)과 안장점(saddle point), 그리고 기울기 소실 문제를 봅니다.
#
# 옵티마이저는 여러 스텝에 걸쳐 두 쌍둥이를 비교합니다. 같은 출발점에서 20 스텝 이상 간 경로 전체가
# float64에서 허용 오차(`rtol=1e-10, atol=1e-12`) 안에서 같아야 합니다. 곡면 위를 움직일 때 scratch 쌍둥이는
# 손으로 쓴 기울기를, torch 쌍둥이는 자동 미분(autograd)이 구한 기울기를 씁니다.

# %%
import inspect

import matplotlib.pyplot as plt
import numpy as np
import torch

from scratch import nn as snn
from scratch import optim as soptim
from scratch.data.datasets import make_2d
from scratch.data.loader import DataLoader as ScratchLoader
from scratch.data.loader import TensorDataset
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
from twin_nets.parity import assert_twin_close, to_torch

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
# ## C3.2.1-gd — 경사 하강법 (노트 §3.2.1)
#
# 경사 하강법(gradient descent)에서 gradient, 곧 기울기는 손실을 각 가중치로 편미분한 값을 모은 벡터이고,
# descent는 하강입니다. 미분계수의 부호와 반대 방향으로 거듭 이동하며 최솟값을 찾습니다. 최솟값에서 멀리
# 떨어진 시작점에서는 미분계수가 크고, 이동할수록 0에 가까워집니다. 한 번에 움직일 거리는 미분계수에
# 학습률(learning rate, α)을 곱해 정합니다: w ← w − α ∂E/∂w. 여러 층의 가중치는 연쇄법칙(§3.2)으로 얻은
# 편미분으로 층마다 갱신합니다. torch의 `SGD`에 매번 전체 데이터를 주면 경사 하강법입니다.
#
# > **노트 바로잡기.** 노트는 경사 하강법이 "기울기를 작게 만드는 방향으로 나아가는" 방법이라고 합니다.
# > 경사 하강법이 작게 만드는 것은 **손실**입니다. −∇E 방향은 손실이 가장 빨리 줄어드는 방향이고, 기울기가
# > 0에 가까워지는 것은 최솟값에 다가간 결과입니다. 아래 셀이 출력하는 f의 값이 스텝마다 줄어드는 것이
# > 증거입니다.
#
# 곡면은 f(x, y) = x²/20 + y²이고 출발점은 (−7, 2)입니다. 노트는 옵티마이저를 비교하는 그림을 싣지만 그
# 곡면의 식은 적지 않았습니다. 이 곡면은 『밑바닥부터 시작하는 딥러닝』 6.1절이 옵티마이저를 비교할 때 쓴
# 것입니다(`scratch/models/surfaces.py`). x 방향의 곡률이 y 방향보다 20배 작은 길쭉한 그릇입니다.

# %%
show(soptim.SGD, rule(soptim.SGD))

# %%
gd = paths("Bowl", "SGD", {"lr": 0.1})
assert_twin_close(gd[0], gd[1], "C3.2.1-gd: path on the bowl", kind="trajectory")
f_values = ssurf.Bowl.function(gd[0][:, 0], gd[0][:, 1])
assert np.all(np.diff(f_values) < 0), "gradient descent raised the loss"
print("스텝 0, 1, 2, 5, 10, 30의 f:", f_values[[0, 1, 2, 5, 10, 30]].round(4))
draw("Bowl", {"경사 하강법 (α=0.1)": gd}, "경사 하강법: f = x²/20 + y²")

# %% [markdown]
# **연습.** α = 0.1로 (−7, 2)에서 한 스텝을 갑니다. ∇f = (x/10, 2y)이면 다음 점 (x, y)는?
# (`np.array([x, y])`로 답하세요)

# %%
답 = ...  # 한 스텝 뒤의 점
check(답, "C3.2.1-gd/1", hint="다음 점은 (x, y) − α ∇f(x, y)입니다. 출발점 (−7, 2)에서 ∇f를 먼저 구합니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `sgd`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.2.1-gd   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.2.1-gd   # 채점
# > ```

# %% [markdown]
# ## C3.2.1-sgd — 확률적 경사 하강법 (노트 §3.2.1)
#
# 학습 데이터는 크고 많으므로, 스텝마다 모든 데이터로 기울기를 구하면 효율이 떨어집니다. 확률적 경사
# 하강법(stochastic gradient descent, SGD)은 데이터 일부(배치, batch)만으로 기울기를 구해 한 스텝을 갑니다.
# 모든 데이터를 쓸 때보다 손실이 더 출렁이지만, 같은 계산량으로 훨씬 많은 스텝을 갈 수 있습니다. 노트의
# 말대로 Adam과 함께 가장 자주 쓰이는 옵티마이저입니다.
#
# 배치 하나로 가중치를 한 번 갱신하는 것을 한 **스텝**(iteration)이라고 하고, 데이터 전체를 한 번 다 쓰는
# 것을 한 **에폭**(epoch)이라고 합니다. 데이터가 N개, 배치 크기가 B이면 한 에폭은 ⌈N/B⌉ 스텝입니다. 두
# 쌍둥이는 같은 NumPy 난수 생성기로 뽑은 같은 배치 순서로 학습합니다(`DataLoader(..., rng=...)`).

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


full = train(batch_size=200, epochs=20, lr=0.5)  # gradient descent: 1 step per epoch
mini = train(batch_size=20, epochs=20, lr=0.5)  # SGD: 10 steps per epoch
assert_twin_close(mini[0], mini[1], "C3.2.1-sgd: mini-batch loss per step", kind="trajectory")
fig, ax = plt.subplots(figsize=(6.5, 3))
ax.plot(np.arange(1, 21), full[0], "o-", label="경사 하강법 (배치 200, 에폭당 1 스텝)")
ax.plot(np.arange(1, 201) / 10, mini[0], lw=1, label="SGD (배치 20, 에폭당 10 스텝)")
ax.set(xlabel="에폭", ylabel="학습 손실 E", title="같은 모델, 같은 시작점: 에폭당 손실")
ax.legend()
plt.show()

# %%
figure("C3.2.1-gd-vs-sgd-loss")

# %% [markdown]
# **연습.** 데이터가 1050개, 배치 크기가 100이면 한 에폭은 몇 스텝일까요? (마지막 배치는 50개입니다)

# %%
답 = ...  # 한 에폭의 스텝 수
check(답, "C3.2.1-sgd/1", hint="⌈N/B⌉는 N/B를 올림한 정수입니다. 100개가 안 되는 마지막 배치도 한 스텝입니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `sgd`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.2.1-sgd   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.2.1-sgd   # 채점
# > ```

# %% [markdown]
# ## C3.2.1-momentum — 모멘텀 (노트 §3.2.1)
#
# 모멘텀(momentum)은 관성, 곧 진행하던 방향으로 계속 가려는 성질입니다. 지나온 기울기를 속도 v에 쌓아 두고
# 그 속도로 움직입니다. 교과서의 식은 v ← μv − αg, w ← w + v이고(`TextbookMomentum`), torch는 b ← μb + g,
# w ← w − αb로 씁니다(`SGD(momentum=μ)`, 첫 b는 첫 기울기). 학습률이 일정하면 두 식은 같은 경로를
# 만듭니다. 아래에서 확인합니다.
#
# > **노트 바로잡기.** 노트는 모멘텀이 "미분값이 클 경우" 가속도를 붙여 더 큰 보폭으로 움직인다고 합니다.
# > 모멘텀의 보폭을 키우는 것은 미분값의 크기가 아니라 **부호가 같은 기울기가 이어지는 것**입니다. 같은
# > 방향의 기울기가 계속 쌓이면 보폭은 최대 1/(1 − μ)배(μ = 0.9이면 10배)까지 커지고, 부호가 번갈아 바뀌는
# > 방향에서는 쌓인 값이 서로 상쇄되어 진동이 줄어듭니다. 아래 셀이 증거입니다. 그릇의 x 방향 기울기는
# > 출발점에서 0.7로 y 방향(4)보다 훨씬 작은데도, 10 스텝 동안 모멘텀은 x 방향으로 경사 하강법보다 훨씬
# > 멀리 갑니다. x 방향 기울기의 부호가 스텝마다 같기 때문입니다.

# %%
show(soptim.TextbookMomentum, rule(soptim.TextbookMomentum))

# %%
momentum = paths("Bowl", "SGD", {"lr": 0.1, "momentum": 0.9})
textbook = paths("Bowl", "TextbookMomentum", {"lr": 0.1, "momentum": 0.9})
assert_twin_close(momentum[0], momentum[1], "C3.2.1-momentum: SGD(momentum) path", kind="trajectory")
assert_twin_close(textbook[0], textbook[1], "C3.2.1-momentum: TextbookMomentum path", kind="trajectory")
assert_twin_close(textbook[0], momentum[1], "C3.2.1-momentum: textbook form = torch form", kind="trajectory")
print(f"10 스텝 뒤 x: 경사 하강법 {gd[0][10, 0]:.2f}, 모멘텀 {momentum[0][10, 0]:.2f} (출발 −7, 최솟값 0)")
x_gradients = momentum[0][:10, 0] / 10  # ∂f/∂x = x/10 at each point the momentum path visited
print("모멘텀이 지난 점들의 ∂f/∂x 부호:", np.sign(x_gradients).astype(int))
draw(
    "Bowl",
    {"경사 하강법 (α=0.1)": gd, "모멘텀 (α=0.1, μ=0.9)": momentum},
    "모멘텀: 같은 방향의 기울기가 쌓입니다",
)

# %% [markdown]
# **연습.** 기울기가 매 스텝 g = 1로 같다면, 모멘텀(torch의 식, μ = 0.9)의 b는 b₁ = 1, b₂ = 0.9·1 + 1, …로
# 쌓입니다. 세 번째 스텝의 b₃는?

# %%
답 = ...  # b₃
check(답, "C3.2.1-momentum/1", hint="b ← μb + g를 b₁에서 두 번 적용합니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `sgd`, `textbook_momentum`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.2.1-momentum   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.2.1-momentum   # 채점
# > ```

# %% [markdown]
# ## C3.2.1-nesterov — Nesterov 모멘텀 (노트 밖, §3.2.1의 심화)
#
# 노트는 여러 옵티마이저를 그림으로 보여 주며 "여기 있는 모든 optimizer를 기억할 필요는 없고, 딥러닝에서
# 가장 많이 쓰이는 Adam에 대해서만 기억해주시면 좋을 것 같습니다"라고 합니다.
# Nesterov 모멘텀은 관성으로 갈 곳을 먼저 내다보고 그곳의 기울기로 방향을 고칩니다. torch의 식에서는 갱신
# 방향이 b 대신 g + μb입니다.

# %%
nesterov = paths("Bowl", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True})
assert_twin_close(nesterov[0], nesterov[1], "C3.2.1-nesterov: path", kind="trajectory")
draw("Bowl", {"모멘텀": momentum, "Nesterov": nesterov}, "Nesterov: 덜 넘어갑니다")

# %% [markdown]
# **연습.** 기울기가 매 스텝 g = 1로 같고 b₁ = 1일 때, Nesterov의 첫 갱신 방향 g + μb₁(μ = 0.9)은?

# %%
답 = ...  # g + μ b₁
check(답, "C3.2.1-nesterov/1", hint="갱신 방향의 식 g + μb에 g = 1과 b = b₁을 넣습니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `sgd`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.2.1-nesterov   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.2.1-nesterov   # 채점
# > ```

# %% [markdown]
# ## C3.2.1-adagrad — AdaGrad (노트 밖, §3.2.1의 심화)
#
# AdaGrad는 좌표마다 지금까지 받은 기울기의 제곱합 G로 학습률을 나눕니다: w ← w − α g / (√G + ε). 기울기를
# 많이 받은 좌표일수록 보폭이 줄어듭니다.

# %%
show(soptim.Adagrad, rule(soptim.Adagrad))

# %%
adagrad = paths("Bowl", "Adagrad", {"lr": 1.5})
assert_twin_close(adagrad[0], adagrad[1], "C3.2.1-adagrad: path", kind="trajectory")
draw("Bowl", {"AdaGrad (α=1.5)": adagrad}, "AdaGrad")

# %% [markdown]
# **연습.** 첫 스텝에서는 G = g²이므로 각 좌표의 이동은 α·sign(g)입니다(ε은 무시합니다). α = 1.5로
# (−7, 2)에서 한 스텝 뒤의 점은? (`np.array([x, y])`로 답하세요)

# %%
답 = ...  # AdaGrad 한 스텝 뒤의 점
check(
    답,
    "C3.2.1-adagrad/1",
    hint="출발점에서 ∇f의 두 성분의 부호를 구합니다. 각 좌표는 그 부호와 반대쪽으로 α만큼 움직입니다",
)

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `adagrad`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.2.1-adagrad   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.2.1-adagrad   # 채점
# > ```

# %% [markdown]
# ## C3.2.1-rmsprop — RMSprop (노트 밖, §3.2.1의 심화)
#
# RMSprop은 AdaGrad의 합 대신 기울기 제곱의 지수 이동 평균 v ← a v + (1 − a) g²의 제곱근으로 나눕니다:
# w ← w − α g / (√v + ε). 그래서 오래전의 기울기는 점점 잊힙니다. 비율 a는 torch의 인자 `alpha`이고
# 기본값은 0.99입니다(학습률 α와 헷갈리지 않도록 여기서는 a라고 씁니다).

# %%
show(soptim.RMSprop, rule(soptim.RMSprop))

# %%
rmsprop = paths("Bowl", "RMSprop", {"lr": 0.1})
assert_twin_close(rmsprop[0], rmsprop[1], "C3.2.1-rmsprop: path", kind="trajectory")
draw("Bowl", {"RMSprop (lr=0.1)": rmsprop}, "RMSprop")

# %% [markdown]
# **연습.** 첫 스텝에서는 v = (1 − 0.99) g² = 0.01 g²입니다. ε을 무시하면 각 좌표의 이동은 얼마일까요?
# 학습률 α = 0.1로 (−7, 2)에서 한 스텝 뒤의 점은? (`np.array([x, y])`로 답하세요)

# %%
답 = ...  # RMSprop 한 스텝 뒤의 점
check(답, "C3.2.1-rmsprop/1", hint="α g / √(0.01 g²)에서 g의 크기는 약분되고 부호만 남습니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `rmsprop`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.2.1-rmsprop   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.2.1-rmsprop   # 채점
# > ```

# %% [markdown]
# ## C3.2.1-adam — Adam (노트 §3.2.1)
#
# 노트가 기억해 두라고 한, 딥러닝에서 가장 많이 쓰는 옵티마이저입니다. 모멘텀처럼 기울기의 이동 평균
# m ← β₁m + (1 − β₁)g를, RMSprop처럼 기울기 제곱의 이동 평균 v ← β₂v + (1 − β₂)g²를 함께 씁니다. 초기에
# 0 쪽으로 치우친 값을 바로잡은 m̂, v̂로 w ← w − α m̂ / (√v̂ + ε)만큼 갑니다(torch와 같이 ε은 근호 밖).

# %%
show(soptim.Adam, rule(soptim.Adam))

# %%
adam = paths("Bowl", "Adam", {"lr": 0.3})
assert_twin_close(adam[0], adam[1], "C3.2.1-adam: path", kind="trajectory")
draw(
    "Bowl",
    {"경사 하강법 (lr=0.1)": gd, "모멘텀": momentum, "AdaGrad": adagrad, "Adam (lr=0.3)": adam},
    "네 옵티마이저의 경로",
)

# %%
figure("C3.2.1-optimizer-paths")

# %% [markdown]
# **연습.** 첫 스텝에서는 m̂ = g, v̂ = g²이므로 이동은 α·sign(g)입니다(ε은 무시합니다). 학습률 α = 0.3으로
# (−7, 2)에서 한 스텝 뒤의 점은? (`np.array([x, y])`로 답하세요)

# %%
답 = ...  # Adam 한 스텝 뒤의 점
check(답, "C3.2.1-adam/1", hint="AdaGrad 연습문제와 같은 계산을 α = 0.3으로 합니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `adam`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.2.1-adam   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.2.1-adam   # 채점
# > ```

# %% [markdown]
# ## C3.2.1-adamw — AdamW (노트 밖, Adam의 변형)
#
# Adam의 `weight_decay`는 기울기 g에 λw를 더하는 L2 정칙화입니다. AdamW는 가중치 감쇠를 기울기와 떼어
# 내어(decoupled), 모멘트를 계산하기 전에 가중치를 w ← w(1 − αλ)로 줄입니다(torch의 기본값 λ = 0.01).

# %%
show(soptim.AdamW)

# %%
adamw = paths("Bowl", "AdamW", {"lr": 0.3, "weight_decay": 0.5})
assert_twin_close(adamw[0], adamw[1], "C3.2.1-adamw: path", kind="trajectory")
draw("Bowl", {"Adam": adam, "AdamW (λ=0.5)": adamw}, "AdamW: 가중치 감쇠를 따로")

# %% [markdown]
# **연습.** 기울기가 0인 파라미터 w = 2에 AdamW(lr = 0.1, weight_decay = 0.5)로 한 스텝을 가면 w는?

# %%
답 = ...  # 한 스텝 뒤의 w
check(답, "C3.2.1-adamw/1", hint="기울기가 0이면 Adam 부분은 움직이지 않고, 감쇠 w(1 − αλ)만 남습니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `adam`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.2.1-adamw   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.2.1-adamw   # 채점
# > ```

# %% [markdown]
# ## C3.2.2-local-minima — 지역 최솟값 (노트 §3.2.2)
#
# 옵티마이저의 목표는 손실이 가장 작은 지점이지만, 함수에는 주변보다 낮은 지점이 여러 곳 있을 수 있습니다.
# 전체에서 가장 낮은 곳이 전역 최솟값(global minimum)이고, 주변에서만 가장 낮은 곳이 지역 최솟값(local
# minimum)입니다. 곡면 f = (x² − 1)² + 0.3x + y²는 x ≈ 0.96에 얕은 지역 최솟값이, x ≈ −1.04에 전역 최솟값이
# 있습니다.
#
# > **노트 바로잡기.** 노트는 "학습률이 과하게 작은 경우에는 극소지점에서 머무르게 될 수도 있습니다. 이것이
# > 바로 Local minima입니다"라고 씁니다. 지역 최솟값은 **손실 곡면의 성질**이고, 학습률과 상관없이 그 자리에
# > 있습니다(그 점에서 기울기가 0입니다). 학습률이 작은 경사 하강법은 그곳에 **빠져 멈출** 뿐입니다. 아래
# > 셀에서 학습률 0.01의 경사 하강법은 x ≈ 0.96에서 멈추지만, 같은 학습률의 모멘텀과 학습률을 0.1로 키운
# > 경사 하강법은 같은 곡면에서 전역 최솟값 x ≈ −1.04에 도착합니다.

# %%
show(ssurf.TwoMinima)

# %%
start_lm = (2.0, 1.5)
local_runs = {
    "경사 하강법 (lr=0.01)": paths("TwoMinima", "SGD", {"lr": 0.01}, start_lm, 800),
    "경사 하강법 (lr=0.1)": paths("TwoMinima", "SGD", {"lr": 0.1}, start_lm, 800),
    "모멘텀 (lr=0.01, μ=0.9)": paths("TwoMinima", "SGD", {"lr": 0.01, "momentum": 0.9}, start_lm, 800),
    "Adam (lr=0.3)": paths("TwoMinima", "Adam", {"lr": 0.3}, start_lm, 800),
}
for label, (s_path, t_path) in local_runs.items():
    assert_twin_close(s_path, t_path, f"C3.2.2-local-minima: {label}", kind="trajectory")
    print(f"{label:28s} 도착 x = {s_path[-1, 0]:+.3f}")
draw(
    "TwoMinima",
    local_runs,
    "지역 최솟값: 학습률이 작은 경사 하강법은 얕은 쪽에서 멈춥니다",
    xlim=(-2, 2.5),
    ylim=(-1.75, 1.75),
)

# %%
figure("C3.2.2-local-minima-paths")

# %% [markdown]
# **연습.** 학습률 0.01의 경사 하강법이 멈춘 점에서 곡면의 x 방향 기울기 ∂f/∂x = 4x(x² − 1) + 0.3은
# 얼마일까요? (소수 둘째 자리까지)

# %%
답 = ...  # 경사 하강법이 멈춘 점의 ∂f/∂x
check(답, "C3.2.2-local-minima/1", hint="경사 하강법은 w ← w − α ∂f/∂w입니다. 더 움직이지 않는다면 ∂f/∂w는?")

# %% [markdown]
# ## C3.2.2-saddle — 안장점 (노트 §3.2.2)
#
# 안장점(saddle point)은 고차원 함수에서 어떤 방향으로는 최소이지만 다른 방향으로는 최대인 점입니다. 그
# 점에서 기울기가 0이므로, 더 낮은 곳이 있어도 학습이 멈출 수 있습니다. f = x² − y²의 (0, 0)이 안장점입니다.
# 그 근처에서는 y 방향의 기울기 −2y가 아주 작아서, 경사 하강법은 스텝마다 y를 (1 + 2α)배씩만 키우며
# 천천히 빠져나갑니다.

# %%
show(ssurf.Saddle)

# %%
start_saddle = (1.5, 0.001)
saddle_runs = {
    "경사 하강법 (lr=0.01)": paths("Saddle", "SGD", {"lr": 0.01}, start_saddle, 100),
    "모멘텀 (lr=0.01, μ=0.9)": paths("Saddle", "SGD", {"lr": 0.01, "momentum": 0.9}, start_saddle, 100),
    "Adam (lr=0.05)": paths("Saddle", "Adam", {"lr": 0.05}, start_saddle, 100),
}
for label, (s_path, t_path) in saddle_runs.items():
    assert_twin_close(s_path, t_path, f"C3.2.2-saddle: {label}", kind="trajectory")
    print(f"{label:28s} 100 스텝 뒤 y = {s_path[-1, 1]:+.4f}")
draw("Saddle", saddle_runs, "안장점: 경사 하강법은 안장점 근처에 오래 머뭅니다", xlim=(-2, 2), ylim=(-2, 2))

# %%
figure("C3.2.2-saddle-paths")

# %% [markdown]
# **연습.** 경사 하강법(α = 0.01)이 y = 0.001에서 출발하면 y는 스텝마다 1.02배가 됩니다. y가 처음으로
# 0.1 이상이 되는 것은 몇 번째 스텝일까요?

# %%
답 = ...  # 스텝 수
check(답, "C3.2.2-saddle/1", hint="0.001 × 1.02ⁿ ≥ 0.1을 만족하는 가장 작은 정수 n입니다. `np.log`를 쓰세요")

# %% [markdown]
# ## C3.2.3-vanishing — 기울기 소실 문제 (노트 §3.2.3)
#
# 역전파에서 기울기는 연쇄법칙에 따라 출력층에서 은닉층들을 거쳐 입력층까지 곱해지며 전달됩니다. 층 하나를
# 지날 때 곱해지는 것은 두 가지입니다: 활성화 함수의 미분 σ′과 그 층의 가중치 행렬 W
# (∂E/∂h₍ₗ₋₁₎ = (∂E/∂h₍ₗ₎ ⊙ σ′) W). 시그모이드의 미분은 아무리 커도 0.25이므로, 가중치가 이를 메워 주지
# 못하면 층을 지날수록 기울기가 0에 가까워지고 입력 쪽 층의 학습이 멈춥니다. 반대로 가중치가 크면 기울기가
# 커질 수도 있습니다(기울기 폭발). 그래서 초기화(06_성능_향상_기법)가 활성화 함수와 짝을 이룹니다. tanh도
# 0에서 멀어지면 미분이 작아집니다. ReLU는 양수 쪽 미분이 1이라 이 문제를 크게 줄였습니다. 가중치 층
# 10개(은닉층의 노드는 100개씩)인 네트워크에서 층별 기울기의 크기(norm)를 두 쌍둥이로 잽니다. 시그모이드에는
# Xavier 초기화를, ReLU에는 He 초기화를 씁니다.

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
    label = {"sigmoid": "시그모이드 + Xavier 초기화", "relu": "ReLU + He 초기화"}[activation]
    ax.semilogy(range(1, len(values) + 1), list(values.values()), "o-", label=label)
ax.set(xlabel="가중치 층 (입력 쪽 → 출력 쪽)", ylabel="‖∂E/∂w‖", title="층별 기울기의 크기")
ax.legend()
plt.show()

# %%
figure("C3.2.3-vanishing-gradient-norms")

# %% [markdown]
# **연습.** 이 절에서 그린 "층별 기울기의 크기" 그림의 시그모이드 네트워크에서, 첫 층 가중치(`0.weight`)
# 기울기의 크기는 출력층 가중치(`18.weight`) 기울기의 크기의 1/100보다 작을까요? (`True`/`False`, 그림의
# 세로축은 로그 눈금입니다)

# %%
답 = ...  # True 또는 False
check(
    답,
    "C3.2.3-vanishing/1",
    hint="시그모이드 선의 왼쪽 끝(첫 층)과 오른쪽 끝(출력층)의 높이를 비교합니다. 눈금 하나가 10배입니다",
)
