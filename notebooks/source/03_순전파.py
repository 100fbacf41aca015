# %% [markdown]
# # 03. 순전파 (노트 §3.1–3.1.2)
#
# 노트는 신경망(neural network)을 다층 퍼셉트론과 같은 개념으로 보고, 둘의 가장 큰 차이를 순전파(feedforward
# propagation)와 역전파(back propagation)에서 찾습니다. 순전파는 입력이 순방향으로 모델을 통과해 출력에
# 도달하는 과정, 곧 입력에 가중치를 곱해 모두 더하고 활성화 함수를 통과시키는 과정 전체입니다. 이 장에서는
# 순전파의 부품을 하나씩 봅니다: 선형 층(`Linear`), 활성화 함수(activation function), 손실 함수(loss
# function).
#
# 절마다 두 쌍둥이를 한 번 비교합니다(`check_module_parity`): 순전파 출력, 무작위 상류 기울기(upstream
# gradient, 출력 쪽에서 흘러 들어오는 ∂E/∂y)에 대한 입력의 기울기, 모든 파라미터의 기울기가 float64 허용
# 오차(`rtol=1e-10, atol=1e-12`) 안에서 같아야 합니다.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

from scratch import nn as snn
from scratch import optim as soptim
from scratch.data.datasets import make_2d
from scratch.models import mlp as smlp
from scratch.models import supervised as ss
from scratch.nn import functional as F
from torch_impl import nn as tnn
from twin_nets.notebooks import check, figure, show, start
from twin_nets.parity import assert_twin_close, check_module_parity, to_torch

ROOT = start()
rng = np.random.default_rng(0)
x_act = np.array([[-3.0, -1.0, -0.1, 0.0, 0.1, 1.0, 3.0]])  # one row of seven inputs


def table(module, x=x_act):
    """x, y = f(x) and ∂y/∂x (the backward of an all-ones upstream gradient) of a scratch module."""
    y = module(x)
    dy = module.backward(np.ones_like(y))
    for name, row in (("x", x), ("y", y), ("∂y/∂x", dy)):
        print(f"{name:>6s}", " ".join(f"{v:8.4f}" for v in row[0]))


# %% [markdown]
# ## C3.1-forward — 순전파 (노트 §3.1)
#
# 층 하나의 순전파는 y = x Wᵀ + b입니다. x는 (N, 입력 수) 행렬로 한 행이 샘플 하나이고, W는 torch와 같이
# (출력 수, 입력 수) 모양입니다. `Sequential`은 순전파 때 층들을 차례로 통과시키고, 역전파 때는 거꾸로 각
# 층의 `backward`를 부릅니다. 아래는 `Linear` 층과, 그 순전파·역전파 수식을 담은 두 함수입니다.

# %%
show(snn.Linear, F.linear, F.linear_backward)

# %%
s_linear = snn.Linear(3, 2, rng=rng)
t_linear = tnn.Linear(3, 2, dtype=torch.float64)
x3 = rng.standard_normal((4, 3))
diffs = check_module_parity("C3.1-forward: Linear(3, 2)", s_linear, t_linear, x3, rng)
s_model = snn.Sequential(snn.Linear(3, 5, rng=rng), snn.ReLU(), snn.Linear(5, 2, rng=rng))
t_model = tnn.Sequential(tnn.Linear(3, 5), tnn.ReLU(), tnn.Linear(5, 2)).double()
diffs |= check_module_parity("C3.1-forward: Sequential 3-5-2", s_model, t_model, x3, rng)
print("두 쌍둥이의 가장 큰 차이:", f"{max(diffs.values()):.1e}")

# %%
y3 = s_linear(x3)
fig, axes = plt.subplots(1, 4, figsize=(10, 2.6), gridspec_kw={"width_ratios": [3, 3, 1, 2]})
for ax, (title, values) in zip(
    axes,
    [
        ("입력 x (N=4, 3)", x3),
        ("가중치 Wᵀ (3, 2)", s_linear.weight.data.T),
        ("편향 b", s_linear.bias.data[:, None]),
        ("출력 y = xWᵀ + b", y3),
    ],
    strict=True,
):
    ax.imshow(values, cmap="coolwarm", vmin=-2, vmax=2)
    ax.set(title=title, xticks=[], yticks=[])
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8)
fig.suptitle("Linear 층 하나의 순전파")
plt.show()

# %% [markdown]
# ### 연습문제
#
# **1.** `Linear(3, 2)`에 x = (1, 2, 3) 한 행을 넣습니다. W = [[1, 0, −1], [0.5, 0.5, 0.5]], b = (0, 1)이면
# y는? (모양 (1, 2)의 배열로 답하세요. 예: `np.array([[0.0, 0.0]])`)

# %%
답 = ...  # y = xWᵀ + b
check(답, "C3.1-forward/1", hint="y의 k번째 값은 W의 k번째 행과 x의 내적에 b의 k번째 값을 더한 것입니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `linear`, `linear_backward`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.1-forward   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.1-forward   # 채점
# > ```

# %% [markdown]
# ## C3.1.1-step — 활성화 함수: 계단 함수 (노트 §3.1.1)
#
# 활성화 함수는 입력과 가중치의 선형결합에 비선형성을 더해 주는 부품입니다. §2의 퍼셉트론은 계단 함수를
# 썼습니다: 0보다 크면 1, 아니면 0. 미분은 (정의된 곳에서) 0이므로 역전파 때 기울기가 전달되지 않습니다.
# 아래 표는 일곱 입력 x에 대한 출력 y와 미분 ∂y/∂x입니다.

# %%
show(snn.Step, F.step, F.step_backward)

# %%
table(snn.Step())
diffs = check_module_parity("C3.1.1-step", snn.Step(), tnn.Step(), x_act, rng)

# %%
figure("C3.1.1-step")

# %% [markdown]
# **연습.** 계단 함수 층에 입력 x = (0.3, −2, 5)를 넣고, 역전파 때 상류 기울기 g = (4, −1, 7)이 들어왔습니다.
# 계단 함수 층이 돌려보내는 ∂E/∂x의 세 값의 합은?

# %%
답 = ...  # ∂E/∂x의 합
check(답, "C3.1.1-step/1", hint="∂E/∂x = g · (∂y/∂x)입니다. 위 표의 ∂y/∂x 줄을 보세요")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `step`, `step_backward`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.1.1-step   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.1.1-step   # 채점
# > ```

# %% [markdown]
# ## C3.1.1-sigmoid — 시그모이드 함수 (노트 §3.1.1)
#
# σ(x) = 1 / (1 + e⁻ˣ)는 0과 1 사이의 값을 내므로 이진 분류의 기본 활성화 함수였고, 미분할 수 있어서
# 역전파에 쓸 수 있습니다. 미분은 σ′(x) = σ(x)(1 − σ(x))입니다. 노트가 꼽는 단점은 네 가지입니다. 출력이
# 0이나 1 근처에 몰리는 구간이 넓고, 입력의 절댓값이 조금만 커져도 미분값이 0에 가까워지며, 출력의 중앙값이
# 0이 아니라 0.5이고, 지수함수 때문에 계산이 많습니다.

# %%
show(snn.Sigmoid, F.sigmoid, F.sigmoid_backward)

# %%
table(snn.Sigmoid())
diffs = check_module_parity("C3.1.1-sigmoid", snn.Sigmoid(), tnn.Sigmoid(), x_act, rng)

# %%
figure("C3.1.1-sigmoid")

# %% [markdown]
# **연습.** 시그모이드 층의 입력이 z = 0이고, 역전파 때 상류 기울기 2가 들어왔습니다. 시그모이드 층이
# 돌려보내는 ∂E/∂z는?

# %%
답 = ...  # z = 0에서 상류 기울기가 2일 때 ∂E/∂z
check(
    답,
    "C3.1.1-sigmoid/1",
    hint="∂E/∂z는 상류 기울기에 σ′(z) = σ(z)(1 − σ(z))를 곱한 것입니다. σ(0)은 얼마인가요?",
)

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `sigmoid`, `sigmoid_backward`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.1.1-sigmoid   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.1.1-sigmoid   # 채점
# > ```

# %% [markdown]
# ## C3.1.1-tanh — 하이퍼볼릭 탄젠트 함수 (노트 §3.1.1)
#
# tanh는 시그모이드와 모양이 같습니다: tanh(x) = 2σ(2x) − 1, 곧 시그모이드를 가로로 절반으로 줄이고 세로로 두
# 배 늘린 뒤 1만큼 내려 가운데를 0에 맞춘 것입니다. 그래서 출력의 중앙값이 0이고 음수도 냅니다. 입력의
# 절댓값이 커지면 미분값이 0에 가까워지는 것과 지수함수의 계산량은 시그모이드와 같습니다.
#
# > **노트 바로잡기.** 노트는 tanh가 "출력값의 범위가 더 크기 때문에" 학습이 더 효율적이라고 합니다. 범위의
# > 폭 자체는 이유가 아닙니다(tanh는 시그모이드를 늘리고 옮긴 것일 뿐입니다). 이유는 두 가지입니다. 출력의
# > 평균이 0 근처라서 다음 층 가중치의 기울기 부호가 한쪽으로 쏠리지 않고, 미분의 최댓값이 tanh′(0) = 1로
# > σ′(0) = 0.25의 네 배라서 층을 지날 때 기울기가 덜 줄어듭니다. 아래 표의 ∂y/∂x 줄(x = 0에서 1)과 위
# > 시그모이드 표(x = 0에서 0.25)가 그 숫자입니다.

# %%
show(snn.Tanh, F.tanh, F.tanh_backward)

# %%
table(snn.Tanh())
diffs = check_module_parity("C3.1.1-tanh", snn.Tanh(), tnn.Tanh(), x_act, rng)

# %%
figure("C3.1.1-tanh")

# %% [markdown]
# **연습.** 가중치의 영향은 빼고 활성화 함수의 미분만 보면, 시그모이드 층 10개를 지나며 기울기에 곱해지는
# 값은 많아야 얼마이고, tanh 층 10개는 많아야 얼마일까요? 앞의 값이 뒤의 값의 1/k일 때 k를 정수로
# 답하세요.

# %%
답 = ...  # k (정수)
check(
    답,
    "C3.1.1-tanh/1",
    hint="층 하나를 지날 때 두 미분의 최댓값(위 두 표의 x = 0 열)의 비를 구하고, 층이 10개입니다",
)

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `tanh`, `tanh_backward`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.1.1-tanh   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.1.1-tanh   # 채점
# > ```

# %% [markdown]
# ## C3.1.1-relu — ReLU 함수 (노트 §3.1.1)
#
# ReLU는 음수면 0, 양수면 자기 자신을 냅니다. 계산이 쉬워서 은닉층에 자주 쓰입니다. 미분은 x > 0에서 1,
# x < 0에서 0입니다(x = 0에서는 torch와 같이 0으로 정했습니다). 양수 쪽 미분이 1이므로 여러 층을 지나도
# 활성화 함수 때문에 기울기가 줄지 않습니다. 그래서 기울기 소실 문제(§3.2.3)를 크게 줄였습니다.
#
# 단점은 노트가 "Knock out 문제"라고 부르는 것으로, 보통 **죽은 ReLU**(dying ReLU)라고 합니다. 한 층의 모든
# 노드가 모든 입력에 대해 음수를 받으면 그 층의 미분은 전부 0이 되어, 기울기가 그 층을 지나가지 못합니다.
#
# > **노트 바로잡기.** (1) 노트는 ReLU가 기울기 소실을 줄인 이유를 "출력 값의 범위가 아주 넓지만 특정 수로
# > 수렴하지 않기 때문"이라고 합니다. 이유는 출력이 아니라 **미분**입니다: x > 0에서 미분이 정확히 1이라
# > 곱해져도 기울기가 줄지 않습니다(아래 표의 ∂y/∂x 줄). (2) 노트는 한 층의 미분이 모두 0이면 "이후의
# > 레이어에서" 학습이 이루어지지 않는다고 합니다. 역전파는 출력에서 입력 쪽으로 가므로, 죽은 층을 지나지
# > 못한 기울기는 그 층과 그 **앞쪽**(입력 쪽) 층들에 닿지 않습니다. 뒤쪽(출력 쪽) 층에는 기울기가 옵니다.
# > 다만 죽은 층의 출력이 모두 0이라 바로 뒤 층의 가중치 기울기(gᵀh)는 0이고, 그 층의 편향만 기울기를
# > 받습니다. 아래 두 번째 셀이 그 증거입니다. 가운데 층(`2.*`)의 출력을 모두 음수로 만들면 그 층과 앞쪽
# > 층(`0.*`)의 기울기는 0이고, 출력층의 편향(`4.bias`)은 기울기를 받습니다.

# %%
show(snn.ReLU, F.relu, F.relu_backward)

# %%
table(snn.ReLU())
diffs = check_module_parity("C3.1.1-relu", snn.ReLU(), tnn.ReLU(), x_act, rng)

# %%
dying = snn.Sequential(
    snn.Linear(3, 4, rng=rng), snn.ReLU(), snn.Linear(4, 4, rng=rng), snn.ReLU(), snn.Linear(4, 2, rng=rng)
)
dying[2].bias.data[:] = -100.0  # the middle ReLU gets only negative inputs: every node of it is dead
dying_loss = snn.CrossEntropyLoss()
dying_loss(dying(rng.standard_normal((8, 3))), rng.integers(0, 2, 8))
dying.backward(dying_loss.backward())
for name, parameter in dying.named_parameters():
    print(f"{name:9s} 기울기의 절댓값 합 {np.abs(parameter.grad).sum():.6f}")

# %%
figure("C3.1.1-relu")

# %% [markdown]
# **연습.** 위의 셀에서 가운데 층(`2.weight`, `2.bias`)의 편향을 −100 대신 +100으로 바꾸면, 그 뒤의 ReLU가
# 받는 입력은 모두 양수가 됩니다. 그때 그 ReLU의 미분값 ∂y/∂x는 모두 얼마일까요?

# %%
답 = ...  # 모든 입력이 양수일 때 ReLU의 미분
check(답, "C3.1.1-relu/1", hint="ReLU의 미분은 x > 0에서 얼마인가요?")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `relu`, `relu_backward`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.1.1-relu   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.1.1-relu   # 채점
# > ```

# %% [markdown]
# ## C3.1.1-leaky-relu — Leaky ReLU 함수 (노트 §3.1.1)
#
# 음수를 모두 0으로 만드는 ReLU의 한계를 풀려고, Leaky ReLU는 음수에 0.01을 곱합니다(`negative_slope=0.01`,
# torch의 기본값). 음수 쪽 미분이 0이 아니라 0.01이므로 죽은 ReLU가 생기지 않습니다.
#
# > **노트 바로잡기.** 노트는 Leaky ReLU가 "음수에서 선형성이 생기게 되고, 그로 인해 복잡한 분류에서 사용할
# > 수 없다"고 하고, ELU는 "음에서도 비선형적이기 때문에 복잡한 분류에서 사용할 수 있다"고 합니다. 비선형성은
# > 함수 **전체**의 성질입니다. Leaky ReLU는 x = 0에서 꺾이므로 ReLU처럼 비선형이고, 층을 쌓으면 복잡한
# > 경계를 만듭니다. 아래 셀은 같은 2-16-2 다층 퍼셉트론을 동심원 데이터에 Adam으로 200 스텝 학습시켜,
# > 활성화 함수만 바꿔 정확도를 비교합니다.

# %%
show(snn.LeakyReLU, F.leaky_relu, F.leaky_relu_backward)

# %%
table(snn.LeakyReLU())
diffs = check_module_parity("C3.1.1-leaky-relu", snn.LeakyReLU(), tnn.LeakyReLU(), x_act, rng)

# %%
x_circles, y_circles = make_2d("circles", 200, rng=np.random.default_rng(0))
for activation in ("relu", "leaky_relu", "prelu", "elu"):
    net = smlp.build_mlp(smlp.MLPSpec((2, 16, 2), activation=activation), np.random.default_rng(2))
    optimizer = soptim.Adam(net.parameters(), lr=0.05)
    ss.fit_full_batch(net, snn.CrossEntropyLoss(), optimizer, x_circles, y_circles, 200)
    accuracy = np.mean(net(x_circles).argmax(axis=1) == y_circles)
    print(f"{activation:10s} 동심원 학습 데이터 정확도 {accuracy:.1%}")

# %%
figure("C3.1.1-leaky-relu")

# %% [markdown]
# **연습.** LeakyReLU(−2)는?

# %%
답 = ...  # LeakyReLU(−2)
check(답, "C3.1.1-leaky-relu/1", hint="음수에는 negative_slope = 0.01을 곱합니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `leaky_relu`, `leaky_relu_backward`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.1.1-leaky-relu   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.1.1-leaky-relu   # 채점
# > ```

# %% [markdown]
# ## C3.1.1-prelu — PReLU (노트 §3.1.1)
#
# PReLU는 Leaky ReLU의 고정된 0.01을 α로 바꾼 것입니다: x > 0이면 x, 아니면 αx.
#
# > **노트 바로잡기.** 노트는 α를 "하이퍼 파라미터로써 내가 원하는 값을 줄 수 있도록" 한 것이라고 합니다.
# > PReLU를 제안한 논문(He et al., 2015)과 torch의 `nn.PReLU`, 그리고 이 프로젝트의 PReLU는 α를 가중치처럼
# > **학습**합니다(초기값 0.25). 아래 셀이 출력하는 비교 목록에 `weight.grad`(α의 기울기)가 있는 것이 그
# > 증거입니다. α를 손으로 고정하고 싶다면 `LeakyReLU(negative_slope=α)`를 씁니다.

# %%
show(snn.PReLU, F.prelu, F.prelu_backward)

# %%
table(snn.PReLU())
diffs = check_module_parity("C3.1.1-prelu", snn.PReLU(), tnn.PReLU(dtype=torch.float64), x_act, rng)
print("비교한 텐서:", list(diffs))

# %%
figure("C3.1.1-prelu")

# %% [markdown]
# **연습.** PReLU에 x = (−4, 2)를 넣고 상류 기울기 g = (1, 1)을 주면, α의 기울기 ∂E/∂α = Σ g·x (x ≤ 0인
# 곳만)는?

# %%
답 = ...  # ∂E/∂α
check(답, "C3.1.1-prelu/1", hint="x > 0인 원소는 α의 기울기에 더하지 않습니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `prelu`, `prelu_backward`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.1.1-prelu   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.1.1-prelu   # 채점
# > ```

# %% [markdown]
# ## C3.1.1-elu — ELU 함수 (노트 §3.1.1)
#
# ELU는 죽은 ReLU 문제를 풀면서, 0보다 작은 쪽에 지수함수 α(eˣ − 1)를 써서 x = 0에서 꺾이지 않고 부드럽게
# 이어지게 만들었습니다. 다만 부드럽게 이어지는 것은 α = 1(torch의 기본값)일 때뿐입니다. x = 0의 왼쪽 기울기는
# α, 오른쪽은 1이기 때문입니다(아래 표는 α = 1이라 x = 0 근처 양쪽의 ∂y/∂x가 1에 가깝습니다). 노트가 꼽는
# 단점은 ReLU보다 성능이 크게 나아지지 않는다는 것과 지수함수 때문에 계산이 늘어난다는 것입니다. 노트는
# CS231n의 권고대로 ReLU를 먼저 쓰고, 그다음 Leaky ReLU나 ELU를 써 보라고 권합니다. (음수 쪽의 비선형성이
# 복잡한 분류의 조건이 아니라는 것은 위 Leaky ReLU 절의 "노트 바로잡기"에서 확인했습니다.)

# %%
show(snn.ELU, F.elu, F.elu_backward)

# %%
table(snn.ELU())
diffs = check_module_parity("C3.1.1-elu", snn.ELU(), tnn.ELU(), x_act, rng)

# %%
figure("C3.1.1-elu")

# %% [markdown]
# **연습.** x가 −∞로 갈 때 ELU(α = 1)는 어떤 값에 가까워질까요?

# %%
답 = ...  # x → −∞일 때 ELU(x)의 극한
check(답, "C3.1.1-elu/1", hint="x → −∞이면 eˣ → 0입니다. α(eˣ − 1)은?")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `elu`, `elu_backward`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.1.1-elu   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.1.1-elu   # 채점
# > ```

# %% [markdown]
# ## C3.1.1-softmax — 소프트맥스 함수 (노트 §3.1.1)
#
# 소프트맥스는 출력층에서 다중 분류에 쓰는 활성화 함수입니다. 노트의 예에서 출력층은 세 라벨 고양이, 차,
# 개구리에 3.2, 5.1, −1.7을 냈습니다. 학습 데이터의 라벨은 정답에 1, 나머지에 0을 둔 형태이므로,
# 소프트맥스는 두 단계를 거쳐 출력을 라벨과 비교할 수 있는 형태로 바꿉니다. 먼저 **지수함수를 통과**시켜
# 모든 값을 양수로 만들고, 다음으로 합이 1이 되도록 나누어 **정규화**합니다. 구현은 각 행에서 최댓값을
# 먼저 뺍니다. 분자와 분모에 같은 수 e⁻ᵐᵃˣ가 곱해지므로 결과는 같고, 지수함수가 넘치지 않습니다.

# %%
show(snn.Softmax, F.softmax, F.softmax_backward)

# %%
scores = np.array([[3.2, 5.1, -1.7]])  # 고양이, 차, 개구리
exp_scores = np.exp(scores)
s_softmax, t_softmax = snn.Softmax(dim=1), tnn.Softmax(dim=1)
probabilities = s_softmax(scores)
assert_twin_close(probabilities, t_softmax(to_torch(scores)), "C3.1.1-softmax: the notes' example")
diffs = check_module_parity(
    "C3.1.1-softmax: random rows", snn.Softmax(dim=1), tnn.Softmax(dim=1), rng.standard_normal((4, 3)), rng
)
for label, s, e, p in zip(
    ["고양이", "차", "개구리"], scores[0], exp_scores[0], probabilities[0], strict=True
):
    print(f"{label:4s} 점수 {s:5.1f} → exp {e:7.2f} → 확률 {p:.2f}")

# %%
figure("C3.1.1-softmax-example")

# %% [markdown]
# **연습.** 세 점수에 모두 10을 더해 (13.2, 15.1, 8.3)을 넣으면, 차의 확률은? (소수 넷째 자리까지)

# %%
답 = ...  # 점수에 10을 더했을 때 P(차)
check(답, "C3.1.1-softmax/1", hint="모든 점수에 같은 수를 더하면 분자와 분모에 같은 e¹⁰이 곱해집니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `softmax`, `softmax_backward`, `log_softmax`, `log_softmax_backward`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.1.1-softmax   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.1.1-softmax   # 채점
# > ```

# %% [markdown]
# ## C3.1.2-mse — 평균 제곱 오차 (노트 §3.1.2)
#
# 학습은 모델의 출력과 정답의 차이를 줄이도록 가중치를 바꾸는 과정이고, 그 차이를 계산하는 것이 손실
# 함수입니다. 노트의 평균 제곱 오차는 E = ½ Σₖ (ŷₖ − yₖ)²이고, 주로 회귀 문제에 씁니다. ½은 미분을
# ∂E/∂ŷ = ŷ − y로 깔끔하게 만듭니다.
#
# > **노트 바로잡기.** 노트의 식 ½ Σₖ (ŷₖ − yₖ)²에는 평균이 없습니다. 이름은 평균 제곱 오차(MSE)지만, 식은
# > 제곱 오차의 합의 절반입니다. torch의 `nn.MSELoss`는 이름 그대로 ½ 없이 **모든 원소의 평균**입니다. 이
# > 프로젝트는 torch를 따르고(`MSELoss`), 노트의 식은 `HalfSquaredErrorLoss`라는 이름으로 따로 둡니다. 아래
# > 셀이 두 값을 나란히 출력합니다(모양 (4, 3)의 예측이므로 원소는 12개입니다).

# %%
show(snn.MSELoss, snn.HalfSquaredErrorLoss)

# %%
prediction, target = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
for name in ("MSELoss", "HalfSquaredErrorLoss"):
    s_loss, t_loss = getattr(snn, name)(), getattr(tnn, name)()
    E = s_loss(prediction, target)
    grad = s_loss.backward()
    prediction_t = to_torch(prediction, requires_grad=True)
    E_t = t_loss(prediction_t, to_torch(target))
    E_t.backward()
    assert_twin_close(E, E_t, f"C3.1.2-mse: {name} value")
    assert_twin_close(grad, prediction_t.grad, f"C3.1.2-mse: {name} gradient")
    print(f"{name:22s} E = {float(E):.6f} (scratch) | {E_t.item():.6f} (torch)")

# %% [markdown]
# **연습.** ŷ = (1, 2, 3), y = (0, 0, 0)일 때 노트의 E = ½ Σ (ŷ − y)²는?

# %%
답 = ...  # ½ Σ (ŷ − y)²
check(답, "C3.1.2-mse/1", hint="노트의 식에는 평균이 없습니다. 제곱한 값을 모두 더한 뒤 절반을 냅니다")

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `mse_loss`, `mse_loss_backward`, `half_squared_error`,
# > `half_squared_error_backward`
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.1.2-mse   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.1.2-mse   # 채점
# > ```

# %% [markdown]
# ## C3.1.2-cross-entropy — 교차 엔트로피 오차 (노트 §3.1.2)
#
# 분류에서 정답은 0 또는 1이고, 소프트맥스를 통과한 예측은 [0, 1] 사이의 실수입니다. 교차 엔트로피 오차는 E =
# −Σₖ yₖ log ŷₖ입니다. 정답 라벨에서만 yₖ = 1이므로 그 라벨의 −log ŷ 하나만 남습니다. −log ŷ는 ŷ가 0에
# 가까울수록 커지고 1에 가까울수록 0에 가까워지므로, 정답과 예측의 차이가 클수록 오차가 커집니다. torch의
# `CrossEntropyLoss`는 소프트맥스를 안에 포함하므로 확률이 아니라 **점수**(logits)를 받습니다(log-softmax로
# 계산해 수치적으로 안정적입니다). 점수에 대한 기울기는 ŷ − y(y는 정답의 원-핫 벡터)이고, 배치 평균을 내면
# N으로 나눈 (ŷ − y)/N입니다. 이진 분류에는 `BCELoss`를 씁니다.

# %%
show(snn.CrossEntropyLoss)

# %%
label_car = np.array([1])  # 정답: 차
s_ce, t_ce = snn.CrossEntropyLoss(), tnn.CrossEntropyLoss()
E = s_ce(scores, label_car)
grad = s_ce.backward()
scores_t = to_torch(scores, requires_grad=True)
E_t = t_ce(scores_t, torch.from_numpy(label_car))
E_t.backward()
assert_twin_close(grad, scores_t.grad, "C3.1.2-cross-entropy: the notes' example, gradient of the scores")
print(f"E = −log P(차) = {float(E):.4f};  ∂E/∂점수 = ŷ − y = {grad[0].round(4)}")

# %%
figure("C3.1.2-cross-entropy-neg-log")

# %%
figure("C3.1.2-mse-vs-cross-entropy-gradient")

# %% [markdown]
# **연습.** 정답이 고양이였다면 E = −log P(고양이)는? (소수 넷째 자리까지)

# %%
답 = ...  # −log P(고양이)
check(
    답,
    "C3.1.2-cross-entropy/1",
    hint="P(고양이) = e³·² / (e³·² + e⁵·¹ + e⁻¹·⁷)입니다. `np.exp`와 `np.log`를 쓰세요",
)

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `softmax_cross_entropy`, `softmax_cross_entropy_backward`, `nll_loss` 등 10개
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.1.2-cross-entropy   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.1.2-cross-entropy   # 채점
# > ```
