# %% [markdown]
# # 06. 성능 향상 기법 (노트 §4.1–4.3)
#
# 노트의 마지막 장은 학습이 더 잘 되게 하는 세 가지 기법입니다. 학습을 시작할 가중치를 정하는 **가중치
# 초기화**(weight initialization), 과적합을 줄이는 **드롭아웃**(dropout), 배치마다 분포를 정규화하는 **배치
# 정규화**(batch normalization)와 그 짝인 **레이어 정규화**(layer normalization)입니다. 여러 프로세스에
# 배치를 나누어 학습할 때의 동기화 배치 정규화는 심화 노트북 07_심화_데이터_병렬에 있습니다.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

from scratch import nn as snn
from scratch import optim as soptim
from scratch.data.loader import DataLoader, TensorDataset
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
from twin_nets.parity import assert_twin_close, check_module_parity, to_torch

ROOT = start()
rng = np.random.default_rng(0)
x_deep = rng.standard_normal((500, 100))


def deep(activation, scheme):
    """The notes' experiment: 5 layers × 100 units, weights drawn by the scratch init ``scheme`` and
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
# ## C4.1-init-zero — 0으로 초기화 (노트 §4.1)
#
# 같은 경사 하강법이라도 시작 가중치에 따라 도착하는 최저점이 달라지므로, 학습을 시작할 때의 가중치를 정하는
# 일, 곧 **가중치 초기화**가 중요합니다. 먼저 모든 파라미터를 0으로 시작해 봅니다(zero initialization). 한
# 층의 노드들의 파라미터가 모두 같으면 역전파로 갱신해도 모두 같은 값으로 바뀌므로(대칭), 노드를 여러 개
# 쓰는 의미가 없어집니다. 아래에서 은닉 노드 4개짜리 네트워크를 50 스텝 학습한 뒤 첫 층의 가중치를
# 출력합니다.

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
# **연습.** 은닉 노드를 4개가 아니라 100개로 늘려 0으로 초기화하고 같은 방법으로 50 스텝 학습하면, 첫 층의
# 가중치 행렬(행 = 은닉 노드)에서 서로 다른 행은 몇 개일까요?

# %%
답 = ...  # 서로 다른 행의 수
check(답, "C4.1-init-zero/1", hint="모든 은닉 노드가 같은 값에서 출발해 같은 기울기를 받습니다")

# %% [markdown]
# ## C4.1-init-normal — 정규분포로 무작위 초기화 (노트 §4.1)
#
# 가중치를 정규분포에서 무작위로 뽑아 시작합니다(random initialization). 노트의 설명은 이렇습니다. 평균 0,
# 표준편차 1인 정규분포 N(0, 1)을 쓰면 시그모이드를 지날수록 출력이 0과 1에 몰리고, 그 지점의 기울기가 0에
# 가까워져 기울기 소실이 생깁니다. 표준편차 0.01인 N(0, 0.01²)을 쓰면 출력이 0.5로 몰립니다. 은닉층 5개 ×
# 노드 100개 네트워크에 표준정규분포 입력 500개를 넣어 층마다 활성화값의 분포를 봅니다. (두 쌍둥이의 난수
# 생성기가 다르므로 가중치는 scratch 쌍둥이가 뽑고 torch 쌍둥이에 state dict로 옮깁니다.)
#
# > **노트 바로잡기.** 노트는 N(0, 0.01²)이면 "Zero initialization과 같이 여러 개의 노드를 사용하는 의미가
# > 없어지게" 된다고 합니다. 작더라도 무작위인 가중치는 노드마다 달라서 **대칭은 깨집니다**. 문제는 값이
# > 너무 작다는 것입니다. 활성화값이 모두 0.5 근처에 몰리고 층마다 퍼짐이 줄어들며, 역전파 때 작은 가중치가
# > 곱해져 기울기도 아주 작아집니다. 아래 두 번째 셀이 증거입니다. 첫 층 가중치 100행은 모두 서로 다르고,
# > 층마다 활성화값의 표준편차는 Xavier 초기화(아래 절)의 약 1/10입니다.

# %%
show(init.normal_)

# %%
runs = {}
for scheme, label in (("normal", "N(0, 1)"), ("small_normal", "N(0, 0.01²)")):
    s_acts, t_acts = deep("sigmoid", scheme)
    for k, (a, a_t) in enumerate(zip(s_acts, t_acts, strict=True)):
        assert_twin_close(a, a_t, f"C4.1-init-normal: {label}, layer {k + 1}")
    runs[label] = s_acts
histograms(runs, "시그모이드 활성화값의 분포")

# %%
small = smlp.build_mlp(
    smlp.MLPSpec((100,) * 7, activation="sigmoid", init="small_normal"), np.random.default_rng(1)
)
xavier = smlp.build_mlp(
    smlp.MLPSpec((100,) * 7, activation="sigmoid", init="xavier"), np.random.default_rng(1)
)
rows = len(np.unique(small.state_dict()["0.weight"], axis=0))
print(f"N(0, 0.01²): 첫 층 가중치 100행 중 서로 다른 행 {rows}개")
small_std = [a.std() for a in sdiag.activation_outputs(small, x_deep)]
xavier_std = [a.std() for a in sdiag.activation_outputs(xavier, x_deep)]
print("층별 활성화값의 표준편차, N(0, 0.01²):", np.round(small_std, 4))
print("층별 활성화값의 표준편차, Xavier:     ", np.round(xavier_std, 4))

# %%
figure("C4.1-init-histograms-sigmoid")

# %% [markdown]
# **연습.** N(0, 1)로 초기화하면 5층의 시그모이드 출력 중 0.05 미만이거나 0.95 초과인 값이 절반을 넘을까요?
# (위 히스토그램을 보고 답하세요)

# %%
답 = ...  # True 또는 False
check(답, "C4.1-init-normal/1", hint="N(0, 1) 행의 5층 히스토그램에서 양 끝 막대의 높이를 보세요")

# %% [markdown]
# ## C4.1-init-xavier — Xavier 초기화 (노트 §4.1)
#
# 고정된 표준편차 대신, 이전 층의 노드가 n개, 현재 층의 노드가 m개일 때 층에 맞춘 표준편차를 씁니다. 층마다
# 노드 수가 달라도 그에 맞게 초기화되므로 훨씬 강건(robust)하고, 활성화 함수가 시그모이드일 때 많이 씁니다.
#
# > **노트 바로잡기.** 노트는 표준편차를 σ = 2/√(n+m)이라고 씁니다. Glorot과 Bengio의 논문(2010)과
# > `torch.nn.init.xavier_normal_`은 σ = √(2/(n+m))입니다. 분모가 같고 분자가 2와 √2이므로, 노트의 값은 n과
# > m에 상관없이 √2배(약 1.41배) 큽니다. 이 프로젝트는 torch를 따르고, 노트의 식은
# > `seed_xavier_normal_`이라는 이름으로 따로 둡니다(`seed_`는 "노트의 식"이라는 뜻입니다). 아래 셀이 100만
# > 개를 뽑아 표본 표준편차를 식의 값과 비교합니다.

# %%
show(init.xavier_normal_, init.seed_xavier_normal_)

# %%
s_acts, t_acts = deep("sigmoid", "xavier")
for k, (a, a_t) in enumerate(zip(s_acts, t_acts, strict=True)):
    assert_twin_close(a, a_t, f"C4.1-init-xavier: sigmoid, layer {k + 1}")
histograms({"Xavier": s_acts}, "Xavier + 시그모이드: 층을 지나도 퍼짐이 남습니다")
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
# **연습.** 노트의 식으로 뽑은 가중치의 **분산**은 torch의 식으로 뽑은 가중치의 분산의 몇 배일까요?
# (소수 첫째 자리까지)

# %%
답 = ...  # 노트의 σ² / torch의 σ²
check(답, "C4.1-init-xavier/1", hint="분산은 표준편차의 제곱입니다. 위에서 두 표준편차의 비를 구했습니다")

# %% [markdown]
# ## C4.1-init-he — He 초기화 (노트 §4.1)
#
# He 초기화는 표준편차 σ = √(2/n)인 정규분포로 초기화합니다. 입력이 0을 중심으로 대칭이면 ReLU는 그중 음수인
# 절반을 0으로 만들어 출력의 제곱 평균을 입력의 절반으로 줄입니다. 그래서 Xavier 초기화(n = m이면 σ² =
# 1/n)로는 층이 깊어질수록 활성화값이 0 쪽으로 몰리고 기울기 소실이 생길 수 있습니다. 활성화 함수가 ReLU일
# 때는 분산을 그 두 배인 2/n으로 잡는 He 초기화를 많이 씁니다(torch: `kaiming_normal_`,
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
# **연습.** n = 100인 층의 He 초기화 표준편차 √(2/n)은? (소수 넷째 자리까지)

# %%
답 = ...  # √(2/100)
check(답, "C4.1-init-he/1", hint="He 초기화의 표준편차 식 σ = √(2/n)에 n을 넣습니다")

# %% [markdown]
# ## C4.2-dropout — 드롭아웃 (노트 §4.2)
#
# 드롭아웃(dropout)은 배치마다 일정한 비율의 노드를 버리고 학습하는 방법입니다. 무작위로 노드를 빼고
# 학습하므로 여러 모델을 앙상블(ensemble)한 것과 비슷한 효과가 나고, 과적합이 줄어듭니다. torch와 같이 p는
# **버릴** 확률이고, 남은 값에는 1/(1 − p)를 곱합니다(inverted dropout). 그래서 평가(eval) 때는 아무것도
# 하지 않아도 출력의 기댓값이 학습 때와 같습니다. 두 쌍둥이는 같은 NumPy 난수 생성기로 같은 마스크를
# 뽑습니다(torch 쪽은 `SharedMaskDropout`).

# %%
show(snn.Dropout, F.dropout, F.dropout_backward)

# %%
x_drop = rng.standard_normal((4, 6))
s_drop = snn.Dropout(0.5, rng=np.random.default_rng(3))
t_drop = tnn.SharedMaskDropout(0.5, rng=np.random.default_rng(3))
diffs = check_module_parity("C4.2-dropout: train mode, same mask", s_drop, t_drop, x_drop, rng)
print("입력 x:")
print(x_drop.round(3))
print("학습 모드의 출력:")
print(s_drop(x_drop).round(3))

# %%
figure("C4.2-dropout-accuracy-gap")

# %%
figure("C4.2-dropout-boundaries")

# %% [markdown]
# **연습.** p = 0.2이면 살아남은 값에 몇을 곱할까요?

# %%
답 = ...  # 남은 값에 곱하는 수
check(답, "C4.2-dropout/1", hint="남는 비율은 1 − p입니다. 그 역수를 곱합니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `dropout`, `dropout_backward`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C4.2-dropout   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C4.2-dropout   # 채점
# > ```

# %% [markdown]
# ## C4.3-batchnorm — 배치 정규화 (노트 §4.3)
#
# 배치 정규화(batch normalization)는 배치마다 분포가 달라 가중치 학습이 배치에 휘둘리는 것을 막으려고, 배치의
# 데이터를 그 배치의 평균과 분산으로 정규화합니다. 보통 각 층의 활성화 함수 바로 앞에 넣습니다. 학습 때는
# 배치의 평균과 분산을 쓰지만, 예측 때는 학습 중에 모은 평균과 분산의 이동 평균(`running_mean`,
# `running_var`)을 씁니다. torch와 같이 정규화에는 편향(biased) 분산을, `running_var`에는 불편(unbiased)
# 분산을 쓰고, 이동 평균의 비율은 `momentum=0.1`입니다.
#
# > **노트 바로잡기.** 노트는 "iteration은 전체 데이터셋을 몇 개의 batch로 나누는지를 의미"한다고 합니다. 한
# > iteration은 배치 **하나**로 가중치를 한 번 갱신하는 것(한 스텝)입니다. 노트의 예에서 "전체 iteration 수는
# > 10"이라고 한 것은 맞습니다. 10은 iteration 하나가 아니라 한 에폭의 iteration **수**입니다(05_최적화의 SGD
# > 절). 아래 셀이 `DataLoader`로 센 한 에폭의 배치 수를 출력합니다.

# %%
show(snn.BatchNorm1d)

# %%
batches = DataLoader(TensorDataset(np.zeros((1000, 1)), np.zeros(1000)), batch_size=100)
print(f"데이터 1000개, 배치 크기 100: 한 에폭 = 배치 {len(batches)}개 = 스텝(iteration) {len(batches)}번")

# %%
s_bn, t_bn = snn.BatchNorm1d(3), tnn.BatchNorm1d(3, dtype=torch.float64)
for step in range(5):  # five training steps: output, input gradient, γ and β gradients, each step
    xb = rng.standard_normal((8, 3)) * 3 + 2
    t_bn.zero_grad()  # torch accumulates .grad over the steps (check_module_parity clears scratch's)
    check_module_parity(f"C4.3-batchnorm: train step {step}", s_bn, t_bn, xb, rng)
for name in ("running_mean", "running_var"):
    assert_twin_close(s_bn.state_dict()[name], t_bn.state_dict()[name], f"C4.3-batchnorm: {name}")
print("running_mean", s_bn.running_mean.round(4), " running_var", s_bn.running_var.round(4))

# %%
figure("C4.3-batchnorm-init-scales")

# %% [markdown]
# **연습.** 새 `BatchNorm1d`(running_var = 1)에 학습 모드로 배치 하나 x를 넣으면 running_var는
# 0.9·1 + 0.1·(x의 불편 분산)이 됩니다. 한 채널의 x = (1, 2, 3, 4)이면? (소수 넷째 자리까지)

# %%
답 = ...  # running_var
check(답, "C4.3-batchnorm/1", hint="불편 분산은 편차 제곱합을 N − 1 = 3으로 나눕니다. 평균은 2.5입니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `batch_norm`, `batch_norm_backward`, `batch_norm_staged`,
# > `batch_norm_backward_staged`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C4.3-batchnorm   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C4.3-batchnorm   # 채점
# > ```

# %% [markdown]
# ## C4.3-layernorm — 레이어 정규화 (노트 §4.3)
#
# 배치가 너무 작으면 배치의 평균과 분산으로 전체 분포를 추정하기 어려워 배치 정규화의 효과가 줄고, RNN처럼
# 순서가 있는(sequential) 데이터에는 적용하기 어렵습니다. 레이어 정규화(layer normalization)는 **특성
# 차원**에서 정규화합니다. 샘플 하나를 그 샘플의 특성들의 평균과 분산으로 정규화하므로, 결과가 배치와
# 무관합니다.

# %%
show(snn.LayerNorm)

# %%
x_ln = rng.standard_normal((4, 5)) * 2 + 1
diffs = check_module_parity(
    "C4.3-layernorm", snn.LayerNorm(5), tnn.LayerNorm(5, dtype=torch.float64), x_ln, rng
)

# %%
figure("C4.3-layernorm-batch-size")

# %% [markdown]
# **연습.** `LayerNorm`에 배치 전체를 넣었을 때 첫 샘플의 출력은, 첫 샘플 하나만 넣었을 때와 같을까요?
# (`True`/`False`)

# %%
답 = ...  # True 또는 False
check(답, "C4.3-layernorm/1", hint="레이어 정규화가 쓰는 평균과 분산은 어느 값들의 평균과 분산인가요?")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `layer_norm`, `layer_norm_backward`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C4.3-layernorm   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C4.3-layernorm   # 채점
# > ```
