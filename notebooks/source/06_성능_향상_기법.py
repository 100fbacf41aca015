# %% [markdown]
# # 06. 성능 향상 기법 (seed §4.1–4.3)
#
# 노트의 마지막 장은 학습을 더 잘 되게 하는 세 가지입니다: 학습을 시작할 가중치를 정하는 **가중치 초기화**,
# 과적합을 막는 **드롭아웃(Dropout)**, batch마다 분포를 정규화하는 **Batch Normalization**(과 Layer
# Normalization). 노트 너머로, 여러 worker에 걸친 **Sync Batch Normalization**도 봅니다.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

from parity_tests.parity import assert_twin_close, check_module_parity, to_torch
from scratch import nn as snn
from scratch import optim as soptim
from scratch.distributed import SyncBatchNorm
from scratch.models import diagnostics as sdiag
from scratch.models import mlp as smlp
from scratch.models import supervised as ss
from scratch.nn import functional as F
from scratch.nn import init
from torch_impl import nn as tnn
from torch_impl import optim as toptim
from torch_impl.models import diagnostics as tdiag
from torch_impl.models import mlp as tmlp
from torch_impl.models import supervised as ts
from torch_impl.nn.state import load_numpy_state_dict
from twin_nets.notebooks import check, figure, show, start
from twin_nets.notebooks.ranks import run_job

ROOT = start()
rng = np.random.default_rng(0)
x_deep = rng.standard_normal((500, 100))


def deep(activation, scheme):
    """The seed's experiment: 5 layers × 100 units, weights drawn by the scratch init ``scheme`` and
    loaded into the torch twin; each layer's activations in both twins."""
    spec = smlp.MLPSpec((100,) * 7, activation=activation, init=scheme)  # 5 hidden layers, then out
    s_net = smlp.build_mlp(spec, np.random.default_rng(1))
    t_net = tmlp.build_mlp(spec)
    load_numpy_state_dict(t_net, s_net.state_dict())
    return sdiag.activation_outputs(s_net, x_deep), tdiag.activation_outputs(t_net, to_torch(x_deep))


def histograms(runs, title):
    """One row of activation histograms per run, one column per layer."""
    fig, axes = plt.subplots(len(runs), 5, figsize=(10, 1.9 * len(runs)), sharey="row", squeeze=False)
    for row, (label, layers) in zip(axes, runs.items(), strict=True):
        for k, (ax, a) in enumerate(zip(row, layers, strict=True)):
            ax.hist(a.ravel(), bins=30, color="tab:blue")
            ax.set(title=f"{label}: {k + 1}층" if k == 0 else f"{k + 1}층", yticks=[])
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()


# %% [markdown]
# ## C4.1-init-zero — Zero initialization (seed §4.1)
#
# 같은 경사 하강법이라도 시작 가중치에 따라 도착하는 최저점이 다르므로 학습 시작 시점의 가중치를 정하는
# 일, **가중치 초기화**가 중요합니다. 먼저 모두 0으로 시작하면: 파라미터가 모두 같으면 역전파로 갱신해도
# 모두 같은 값으로 변하므로, 여러 노드를 쓰는 의미가 없어집니다.

# %%
show(init.zeros_)

# %%
zero_spec = smlp.MLPSpec((2, 4, 2), activation="sigmoid", init="zeros")
s_zero, t_zero = smlp.build_mlp(zero_spec), tmlp.build_mlp(zero_spec)
load_numpy_state_dict(t_zero, s_zero.state_dict())
x_small = rng.standard_normal((32, 2))
y_small = (x_small[:, 0] * x_small[:, 1] > 0).astype(np.int64)
ss.fit_full_batch(
    s_zero, snn.CrossEntropyLoss(), soptim.SGD(s_zero.parameters(), lr=0.5), x_small, y_small, 50
)
ts.fit_full_batch(
    t_zero,
    tnn.CrossEntropyLoss(),
    toptim.SGD(t_zero.parameters(), lr=0.5),
    to_torch(x_small),
    torch.from_numpy(y_small),
    50,
)
for name, parameter in t_zero.named_parameters():
    assert_twin_close(
        s_zero.state_dict()[name], parameter, f"C4.1-init-zero: trained {name}", kind="trajectory"
    )
print("50 스텝 뒤 첫 층의 가중치 (행 = 은닉 노드):")
print(s_zero.state_dict()["0.weight"])

# %%
figure("C4.1-init-zero-symmetry")

# %% [markdown]
# **연습.** 학습 뒤 첫 층의 가중치 행렬에 서로 다른 행은 몇 개일까요?

# %%
답 = 1
check(답, len(np.unique(s_zero.state_dict()["0.weight"].round(12), axis=0)), "서로 다른 행의 수")

# %% [markdown]
# ## C4.1-init-normal — Random initialization (seed §4.1)
#
# 정규분포로 무작위로 시작합니다. 노트: 평균 0, 표준편차 1(N(0, 1))이면 sigmoid를 지날수록 출력이 0과 1에
# 치우치고, 그 지점의 gradient가 0에 가까워집니다(Gradient Vanishing). 표준편차 0.01(N(0, 0.01²))이면
# 출력이 0.5로 치우쳐 Zero initialization처럼 여러 노드를 쓰는 의미가 없어집니다. 5층 × 100 유닛 네트워크에
# 표준정규 입력 500개를 넣어 층마다 활성화값의 분포를 봅니다. (두 쌍둥이의 난수 생성기는 다르므로 가중치는
# scratch가 뽑고 torch 쌍둥이에 state dict로 옮깁니다.)

# %%
show(init.normal_)

# %%
runs = {}
for scheme, label in (("normal", "N(0, 1)"), ("small_normal", "N(0, 0.01²)")):
    s_acts, t_acts = deep("sigmoid", scheme)
    for k, (a, a_t) in enumerate(zip(s_acts, t_acts, strict=True)):
        assert_twin_close(a, a_t, f"C4.1-init-normal: {label}, layer {k + 1}")
    runs[label] = s_acts
histograms(runs, "sigmoid 활성화값의 분포")

# %%
figure("C4.1-init-histograms-sigmoid")

# %% [markdown]
# **연습.** N(0, 1)로 초기화하면 5층의 sigmoid 출력 중 0.05 미만이거나 0.95 초과인 값이 절반을 넘을까요?
# (예측한 뒤 확인해 보세요)

# %%
답 = True
last = runs["N(0, 1)"][-1]
check(답, bool(np.mean((last < 0.05) | (last > 0.95)) > 0.5), "N(0, 1): 0과 1에 몰린 값이 절반 넘음")

# %% [markdown]
# ## C4.1-init-xavier — Xavier initialization (seed §4.1)
#
# 고정된 표준편차 대신, 이전 층의 노드가 n개, 현재 층이 m개일 때 층에 맞춘 표준편차를 씁니다. 층마다 노드
# 수가 달라도 그에 맞게 초기화되므로 훨씬 강건(Robust)하고, sigmoid일 때 많이 씁니다. **노트와 torch의 차이:**
# 노트는 σ = 2/√(n+m)이라 쓰지만, Glorot의 논문과 `torch.nn.init.xavier_normal_`은 σ = √(2/(n+m))입니다(노트의
# 것은 √2배). 이 프로젝트는 torch를 따르고, 노트의 형태를 `seed_xavier_normal_`로 옆에 둡니다.

# %%
show(init.xavier_normal_, init.seed_xavier_normal_)

# %%
s_acts, t_acts = deep("sigmoid", "xavier")
for k, (a, a_t) in enumerate(zip(s_acts, t_acts, strict=True)):
    assert_twin_close(a, a_t, f"C4.1-init-xavier: sigmoid, layer {k + 1}")
histograms({"Xavier": s_acts}, "Xavier + sigmoid: 층을 지나도 퍼짐이 남습니다")
# the draws themselves: the sample σ of 10⁶ values lies within 5 standard errors σ/√(2N) of √(2/(n+m))
draws = init.xavier_normal_(np.empty((1000, 1000)), rng=rng)
target = np.sqrt(2 / (1000 + 1000))
assert abs(draws.std() - target) < 5 * target / np.sqrt(2 * draws.size), draws.std()
torch.manual_seed(0)  # torch's init draws from torch's own generator; seeded, the printed σ is repeatable
torch_draws = tnn.init.xavier_normal_(torch.empty(1000, 1000, dtype=torch.float64))
assert abs(torch_draws.std().item() - target) < 5 * target / np.sqrt(2 * draws.size), torch_draws.std()
print(f"σ: scratch {draws.std():.5f}, torch {torch_draws.std().item():.5f}, 식 √(2/(n+m)) = {target:.5f}")

# %%
figure("C4.1-init-xavier-seed-vs-glorot")

# %% [markdown]
# **연습.** n = m = 100일 때 노트의 σ = 2/√(n+m)는 torch의 σ = √(2/(n+m))의 몇 배일까요?

# %%
답 = np.sqrt(2)
seed_draws = init.seed_xavier_normal_(np.empty((1000, 1000)), rng=rng)
check(round(답, 2), round(float(seed_draws.std() / draws.std()), 2), "노트의 σ / torch의 σ (소수 둘째 자리)")

# %% [markdown]
# ## C4.1-init-he — He initialization (seed §4.1)
#
# σ = √(2/n)의 정규분포로 초기화합니다. ReLU에서는 층이 깊어질수록 활성화값의 분포가 치우쳐 Gradient
# Vanishing이 생길 수 있으므로, 활성화 함수가 ReLU일 때 He 초기화를 많이 씁니다(torch: `kaiming_normal_`,
# `nonlinearity="relu"`).

# %%
show(init.kaiming_normal_)

# %%
runs = {}
for scheme, label in (("xavier", "Xavier"), ("he", "He")):
    s_acts, t_acts = deep("relu", scheme)
    for k, (a, a_t) in enumerate(zip(s_acts, t_acts, strict=True)):
        assert_twin_close(a, a_t, f"C4.1-init-he: relu + {label}, layer {k + 1}")
    runs[label] = s_acts
histograms(runs, "ReLU 활성화값의 분포: Xavier는 줄어들고, He는 유지됩니다")

# %%
figure("C4.1-init-histograms-relu")

# %% [markdown]
# **연습.** ReLU + He에서 5층 활성화값의 표준편차는 1층의 것의 절반보다 클까요? (Xavier에서는?)

# %%
답 = True
he = runs["He"]
check(답, bool(he[-1].std() > he[0].std() / 2), "He: 5층의 퍼짐이 1층의 절반보다 큼")

# %% [markdown]
# ## C4.2-dropout — 드롭아웃 (seed §4.2)
#
# Dropout은 batch마다 일정한 비율의 노드를 버리고 학습하는 방법입니다. 무작위로 노드를 빼고 학습하므로 여러
# 모델을 앙상블(ensemble)한 것과 비슷한 효과가 나고, 과적합을 막습니다. torch와 같이 p는 **버릴** 확률이고,
# 남은 값은 1/(1 − p)배 합니다(inverted dropout): 그래서 평가(eval) 때는 아무것도 하지 않습니다. 두
# 쌍둥이는 같은 NumPy 생성기에서 같은 마스크를 뽑습니다(torch 쪽은 `SharedMaskDropout`).

# %%
show(snn.Dropout, F.dropout, F.dropout_backward)

# %%
x_drop = rng.standard_normal((4, 6))
s_drop = snn.Dropout(0.5, rng=np.random.default_rng(3))
t_drop = tnn.SharedMaskDropout(0.5, rng=np.random.default_rng(3))
check_module_parity("C4.2-dropout: train mode, same mask", s_drop, t_drop, x_drop, rng)
s_drop.eval()
t_drop.eval()
check_module_parity("C4.2-dropout: eval mode is the identity", s_drop, t_drop, x_drop, rng)
s_drop.train()
print(s_drop(x_drop).round(3))

# %%
figure("C4.2-dropout-accuracy-gap")

# %%
figure("C4.2-dropout-boundaries")

# %% [markdown]
# **연습.** p = 0.5이면 살아남은 값에 몇을 곱할까요?

# %%
답 = 2.0
dropped = s_drop(x_drop)
kept = dropped != 0
check(답, float(np.unique((dropped / x_drop)[kept].round(12))[0]), "남은 값에 곱하는 수")

# %% [markdown]
# ## C4.3-batchnorm — Batch Normalization (seed §4.3)
#
# batch마다 분포가 달라 가중치 학습이 batch에 영향을 받는 것을 막으려고, batch별 데이터를 평균과 분산으로
# 정규화합니다. 보통 각 층의 활성화 함수 직전에 넣습니다. batch는 큰 데이터셋을 나누는 단위이고, iteration은
# 데이터셋을 batch 몇 개로 나누는지입니다(1000개, batch 100 → 10 iterations). 학습 때는 batch의 평균과
# 분산을 쓰지만, 예측 때는 학습 중 모은 평균과 분산의 이동 평균(running statistics)을 씁니다. torch와 같이
# 정규화에는 편향(biased) 분산을, `running_var`에는 불편(unbiased) 분산을 씁니다(m = 0.1).

# %%
show(snn.BatchNorm1d)

# %%
s_bn, t_bn = snn.BatchNorm1d(3), tnn.BatchNorm1d(3, dtype=torch.float64)
for step in range(5):
    xb = rng.standard_normal((8, 3)) * 3 + 2
    t_bn.zero_grad()  # torch accumulates .grad over the steps (check_module_parity clears scratch's)
    check_module_parity(f"C4.3-batchnorm: train step {step}", s_bn, t_bn, xb, rng)
for name in ("running_mean", "running_var"):
    assert_twin_close(s_bn.state_dict()[name], t_bn.state_dict()[name], f"C4.3-batchnorm: {name}")
assert int(s_bn.num_batches_tracked) == int(t_bn.num_batches_tracked) == 5
s_bn.eval()
t_bn.eval()
t_bn.zero_grad()
check_module_parity("C4.3-batchnorm: eval (running statistics)", s_bn, t_bn, rng.standard_normal((4, 3)), rng)
print("running_mean", s_bn.running_mean.round(4), " running_var", s_bn.running_var.round(4))

# %%
figure("C4.3-batchnorm-init-scales")

# %% [markdown]
# **연습.** 새 BatchNorm1d(running_var = 1)에 batch 하나 x를 넣으면 running_var는
# 0.9·1 + 0.1·(x의 불편 분산)이 됩니다. x = (1, 2, 3, 4) (한 채널)이면?

# %%
답 = 0.9 * 1 + 0.1 * np.var([1, 2, 3, 4], ddof=1)
bn = snn.BatchNorm1d(1)
bn(np.array([[1.0], [2.0], [3.0], [4.0]]))
check(답, float(bn.running_var[0]), "running_var")

# %% [markdown]
# ## C4.3-layernorm — Layer Normalization (seed §4.3)
#
# batch가 너무 작으면 표본의 평균과 분산으로 모집단을 추정하기 어려워 Batch Normalization의 효과가 줄고, RNN
# 같은 sequential 데이터에는 적용이 어렵습니다. Layer Normalization은 **feature 차원**에서 정규화합니다:
# 샘플 하나가 자기 feature들의 평균과 분산으로 정규화되므로 batch와 무관합니다.

# %%
show(snn.LayerNorm)

# %%
x_ln = rng.standard_normal((4, 5)) * 2 + 1
check_module_parity("C4.3-layernorm", snn.LayerNorm(5), tnn.LayerNorm(5, dtype=torch.float64), x_ln, rng)

# %%
figure("C4.3-layernorm-batch-size")

# %% [markdown]
# **연습.** LayerNorm에 batch 전체를 넣었을 때 첫 샘플의 출력은, 첫 샘플 하나만 넣었을 때와 같을까요?

# %%
답 = True
ln = snn.LayerNorm(5)
check(답, bool(np.allclose(ln(x_ln)[0], ln(x_ln[:1])[0], rtol=0, atol=0)), "batch와 무관한 출력")

# %% [markdown]
# ## C4.3-sync-batchnorm — Sync Batch Normalization (seed §4.3 너머)
#
# 데이터 병렬 학습(05_최적화의 C3.2.1-data-parallel)은 batch를 K개 조각으로 나눕니다. 각 rank에서 평범한
# BatchNorm1d는 **자기 조각(B/K개)**의 통계로만 정규화하므로, 노트의 경고대로 batch가 작아진 셈입니다.
# Sync Batch Normalization은 통계의 재료(개수, Σx, Σx²)를 all-reduce해서 모든 rank가 batch 전체의 평균과
# 분산으로 정규화합니다(torch: `nn.SyncBatchNorm`). 2-rank 작업으로 확인합니다. 쌍 학습에서는
# `mpiexec -n 2 python scripts/train.py --distributed --sync-bn --norm batch --drop-last`.

# %%
show(SyncBatchNorm)

# %%
ranks = run_job("sync-batchnorm")
x_all = to_torch(ranks["x"], requires_grad=True)
t_one = tnn.BatchNorm1d(3, dtype=torch.float64)
y_one = t_one(x_all)
y_one.backward(to_torch(ranks["g"]))
assert_twin_close(ranks["sync.y"], y_one, "C4.3-sync-batchnorm: K=2 sync output vs one process")
assert_twin_close(ranks["sync.dx"], x_all.grad, "C4.3-sync-batchnorm: K=2 input gradient vs one process")
assert_twin_close(ranks["sync.running_var"], t_one.running_var, "C4.3-sync-batchnorm: running_var")
gap = np.abs(ranks["plain.y"] - y_one.detach().numpy()).max()
print(f"Sync BN = 한 프로세스의 BN (계약 안에서); 조각마다의 평범한 BN과의 차이는 최대 {gap:.3f}")

# %%
fig, ax = plt.subplots(figsize=(6.5, 3))
ax.plot(y_one.detach().numpy()[:, 0], "ko-", label="한 프로세스 BN (torch, batch 8)")
ax.plot(ranks["sync.y"][:, 0], "c.--", ms=10, label="Sync BN (scratch, 2 rank × 4)")
ax.plot(ranks["plain.y"][:, 0], "rx:", label="조각마다 평범한 BN (2 rank × 4)")
ax.axvline(3.5, color="grey", lw=0.8)
ax.set(xlabel="샘플 (왼쪽: rank 0, 오른쪽: rank 1)", ylabel="정규화된 값 (채널 0)", title="batch를 나누면")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# **연습.** 조각마다의 평범한 BatchNorm1d 출력은 한 프로세스의 출력과 계약 안에서 같을까요?

# %%
답 = False
check(
    답,
    bool(np.allclose(ranks["plain.y"], y_one.detach().numpy(), rtol=1e-10, atol=1e-12)),
    "평범한 BN = 한 프로세스",
)
