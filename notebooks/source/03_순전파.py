# %% [markdown]
# # 03. 순전파 (seed §3.1–3.1.2)
#
# 노트는 신경망(Neural Network)을 다층 퍼셉트론과 같은 개념으로 보고, 둘의 가장 큰 차이를
# 순전파(Feedforward Propagation)와 역전파(Back Propagation)에서 찾습니다. 순전파는 입력이 순방향으로 모델을
# 통과해 출력에 도달하는 과정, 즉 입력에 가중치가 곱해지고 모두 더해져 활성화 함수를 거치는 과정 전체입니다.
# 이 장은 그 부품들입니다: 선형 층(Linear), 활성화 함수(Activation Function), 손실 함수(Loss Function).
#
# 각 모듈의 parity 검사(`check_module_parity`)는 순전파 출력, 무작위 upstream gradient에 대한 입력의
# gradient, 모든 파라미터의 gradient를 float64 계약(`rtol=1e-10, atol=1e-12`)으로 비교합니다.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

from parity_tests.parity import assert_twin_close, check_module_parity, to_torch
from scratch import nn as snn
from scratch.nn import functional as F
from torch_impl import nn as tnn
from twin_nets.notebooks import check, figure, show, start

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
# ## C3.1-forward — 순전파 (seed §3.1)
#
# 층 하나의 순전파는 y = x Wᵀ + b입니다. x는 (N, 입력 수) 행렬로 한 행이 샘플 하나, W는 torch와 같은
# (출력 수, 입력 수) 배치입니다. `Sequential`은 층들을 차례로 통과시키고, 역전파 때는 거꾸로 각 층의
# `backward`를 부릅니다.

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
print("가장 큰 차이:", f"{max(diffs.values()):.1e}")

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
# **1.** `Linear(3, 2)`에 x = (1, 2, 3) 한 행을 넣습니다.
# W = [[1, 0, −1], [0.5, 0.5, 0.5]], b = (0, 1)이면 y는?

# %%
답 = np.array([[1 - 3, 0.5 * (1 + 2 + 3) + 1]])  # 여러분의 답으로 바꿔 보세요
s_linear.load_state_dict(
    {"weight": np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]), "bias": np.array([0.0, 1.0])}
)
check(답, s_linear(np.array([[1.0, 2.0, 3.0]])), "y = xWᵀ + b")

# %% [markdown]
# ## C3.1.1-step — 활성화 함수: 계단 함수 (seed §3.1.1)
#
# 활성화 함수는 입력과 가중치의 선형결합에 비선형성을 부여하는 장본인입니다. §2의 퍼셉트론은 계단 함수를
# 썼습니다: 0보다 크면 1, 아니면 0. 미분은 (정의된 곳에서) 0이므로 gradient가 전달되지 않습니다.

# %%
show(snn.Step, F.step, F.step_backward)

# %%
table(snn.Step())
check_module_parity("C3.1.1-step", snn.Step(), tnn.Step(), x_act, rng)

# %%
figure("C3.1.1-step", width=520)

# %% [markdown]
# **연습.** 이 프로젝트의 계단 함수는 x = 0에서 무엇을 낼까요? (경계 위에서는 0, §2.1)

# %%
답 = 0.0
check(답, float(snn.Step()(np.zeros((1, 1)))[0, 0]), "step(0)")

# %% [markdown]
# ## C3.1.1-sigmoid — 시그모이드 함수 (seed §3.1.1)
#
# 0과 1 사이의 값을 가지므로 이진 분류의 기본 활성화 함수였고, 미분이 가능해 역전파가 됩니다. 단점: 출력이
# 0 또는 1 근처에 몰리는 영역이 넓고, 입력이 조금만 커져도 미분값(그림의 보라색)이 0으로 수렴하며, 중앙값이
# 0.5이고, 지수함수 때문에 연산량이 많습니다.

# %%
show(snn.Sigmoid, F.sigmoid, F.sigmoid_backward)

# %%
table(snn.Sigmoid())
check_module_parity("C3.1.1-sigmoid", snn.Sigmoid(), tnn.Sigmoid(), x_act, rng)

# %%
figure("C3.1.1-sigmoid", width=520)

# %% [markdown]
# **연습.** 시그모이드의 미분 σ′(x) = σ(x)(1 − σ(x))의 최댓값은? (§3.2.3의 기울기 소실의 뿌리입니다)

# %%
답 = 0.25
sigmoid = snn.Sigmoid()
sigmoid(np.linspace(-10, 10, 2001)[None, :])
check(답, float(sigmoid.backward(np.ones((1, 2001))).max()), "σ′의 최댓값")

# %% [markdown]
# ## C3.1.1-tanh — 하이퍼볼릭 탄젠트 함수 (seed §3.1.1)
#
# 시그모이드와 닮았지만 중앙값이 0이어서 음수를 낼 수 있고, 출력 범위가 (−1, 1)로 더 넓어 학습이 더
# 효율적입니다. 입력이 커지면 미분값이 0에 수렴하는 것과 지수함수의 연산량은 그대로입니다.

# %%
show(snn.Tanh, F.tanh, F.tanh_backward)

# %%
table(snn.Tanh())
check_module_parity("C3.1.1-tanh", snn.Tanh(), tnn.Tanh(), x_act, rng)

# %%
figure("C3.1.1-tanh", width=520)

# %% [markdown]
# **연습.** tanh′(0)은? (시그모이드의 0.25보다 얼마나 큰가요?)

# %%
답 = 1.0
tanh = snn.Tanh()
tanh(np.zeros((1, 1)))
check(답, float(tanh.backward(np.ones((1, 1)))[0, 0]), "tanh′(0)")

# %% [markdown]
# ## C3.1.1-relu — ReLU 함수 (seed §3.1.1)
#
# 음수면 0, 양수면 자기 자신. 출력이 특정 수로 수렴하지 않아 기울기 소실 문제를 크게 줄였고, 계산이 쉬워
# 은닉층에 자주 쓰입니다. 단점은 Knock out 문제: 미분이 0 또는 1이므로, 한 층의 모든 노드의 미분이 0이면
# 그 뒤로는 학습이 이루어지지 않습니다. (x = 0에서의 미분은 torch와 같이 0입니다.)

# %%
show(snn.ReLU, F.relu, F.relu_backward)

# %%
table(snn.ReLU())
check_module_parity("C3.1.1-relu", snn.ReLU(), tnn.ReLU(), x_act, rng)

# %%
figure("C3.1.1-relu", width=520)

# %% [markdown]
# **연습.** 한 층의 입력이 모두 음수라면, 그 층을 지난 gradient ∂E/∂x의 합은? (Knock out)

# %%
답 = 0.0
relu = snn.ReLU()
relu(-np.abs(rng.standard_normal((4, 5))))
check(답, float(relu.backward(rng.standard_normal((4, 5))).sum()), "모두 음수일 때 ReLU를 지난 gradient의 합")

# %% [markdown]
# ## C3.1.1-leaky-relu — Leaky ReLU 함수 (seed §3.1.1)
#
# 음수를 모두 0으로 만드는 ReLU의 한계를 풀려고, 음수를 0.01배 합니다(`negative_slope=0.01`, torch의
# 기본값). 그러나 음수 쪽이 선형이어서 복잡한 분류에는 한계가 있다고 노트는 말합니다.

# %%
show(snn.LeakyReLU, F.leaky_relu, F.leaky_relu_backward)

# %%
table(snn.LeakyReLU())
check_module_parity("C3.1.1-leaky-relu", snn.LeakyReLU(), tnn.LeakyReLU(), x_act, rng)

# %%
figure("C3.1.1-leaky-relu", width=520)

# %% [markdown]
# **연습.** LeakyReLU(−2)는?

# %%
답 = -0.02
check(답, float(snn.LeakyReLU()(np.array([[-2.0]]))[0, 0]), "LeakyReLU(−2)")

# %% [markdown]
# ## C3.1.1-prelu — PReLU (seed §3.1.1)
#
# Leaky ReLU의 고정된 0.01을 α로 바꾼 것입니다. 노트는 α를 "내가 원하는 값을 주는 하이퍼 파라미터"로
# 설명하지만, torch의 PReLU(와 이 프로젝트의 것)는 α를 가중치처럼 **학습**합니다(초기값 0.25). 손으로 고정한
# α는 `LeakyReLU(negative_slope=α)`입니다. 그래서 parity 검사는 α의 gradient도 비교합니다.

# %%
show(snn.PReLU, F.prelu, F.prelu_backward)

# %%
table(snn.PReLU())
diffs = check_module_parity("C3.1.1-prelu", snn.PReLU(), tnn.PReLU(dtype=torch.float64), x_act, rng)
print("비교한 텐서:", list(diffs))

# %%
figure("C3.1.1-prelu", width=520)

# %% [markdown]
# **연습.** x = (−4, 2)에 upstream gradient 1을 주면 α의 gradient ∂E/∂α = Σ g·x (x ≤ 0인 곳)는?

# %%
답 = -4.0
prelu = snn.PReLU()
prelu(np.array([[-4.0, 2.0]]))
prelu.backward(np.ones((1, 2)))
check(답, float(prelu.weight.grad[0]), "∂E/∂α")

# %% [markdown]
# ## C3.1.1-elu — ELU 함수 (seed §3.1.1)
#
# ReLU의 Knock out 문제를 풀면서, 0보다 작은 쪽에 지수함수 α(eˣ − 1)를 써서 그래프를 부드럽게 만들었습니다.
# 음수 쪽도 비선형이라 복잡한 분류에 쓸 수 있지만, ReLU보다 크게 나아지지 않고 연산량이 늘어납니다. 노트는
# CS231N의 권고대로 ReLU를 먼저, 그다음 Leaky ReLU 또는 ELU를 권합니다.

# %%
show(snn.ELU, F.elu, F.elu_backward)

# %%
table(snn.ELU())
check_module_parity("C3.1.1-elu", snn.ELU(), tnn.ELU(), x_act, rng)

# %%
figure("C3.1.1-elu", width=520)

# %% [markdown]
# **연습.** x가 −∞로 갈 때 ELU(α = 1)는 어디로 수렴할까요? (x = −50에서 확인합니다)

# %%
답 = -1.0
check(답, float(snn.ELU()(np.array([[-50.0]]))[0, 0]), "ELU(−50)")

# %% [markdown]
# ## C3.1.1-softmax — 소프트맥스 함수 (seed §3.1.1)
#
# 출력층에서 다중 분류에 쓰는 활성화 함수입니다. 노트의 예: 세 라벨 고양이, 차, 개구리에 대해 출력층이
# 3.2, 5.1, −1.7을 냈습니다. 학습 데이터의 라벨은 정답에 1, 나머지에 0인 형태이므로, 소프트맥스는 두
# 단계로 출력을 라벨과 비교 가능한 형태로 바꿉니다: **지수함수 통과**(실수 전체 → 양수)와 **정규화**(합이
# 1이 되도록 나누기, [0, 1] 범위). 구현은 각 행의 최댓값을 먼저 빼서 지수함수가 넘치지 않게 합니다(값은 같음).

# %%
show(snn.Softmax, F.softmax, F.softmax_backward)

# %%
scores = np.array([[3.2, 5.1, -1.7]])  # 고양이, 차, 개구리
exp_scores = np.exp(scores)
s_softmax, t_softmax = snn.Softmax(dim=1), tnn.Softmax(dim=1)
probabilities = s_softmax(scores)
assert_twin_close(probabilities, t_softmax(to_torch(scores)), "C3.1.1-softmax: the seed's example")
s_softmax.backward(np.ones_like(probabilities))
check_module_parity(
    "C3.1.1-softmax: random rows", snn.Softmax(dim=1), tnn.Softmax(dim=1), rng.standard_normal((4, 3)), rng
)
for label, s, e, p in zip(
    ["고양이", "차", "개구리"], scores[0], exp_scores[0], probabilities[0], strict=True
):
    print(f"{label:4s} 점수 {s:5.1f} → exp {e:7.2f} → 확률 {p:.2f}")

# %%
figure("C3.1.1-softmax-example")

# %% [markdown]
# **연습.** 차의 확률을 소수 둘째 자리까지 구하면? (노트의 그림은 0.87)

# %%
답 = 0.87
check(답, round(float(probabilities[0, 1]), 2), "P(차)")

# %% [markdown]
# ## C3.1.2-mse — 평균 제곱 오차 (seed §3.1.2)
#
# 학습은 모델의 출력과 정답의 차이를 줄이도록 가중치를 바꾸는 과정이고, 그 차이를 계산하는 것이 손실
# 함수입니다. 노트의 평균 제곱 오차는 E = ½ Σₖ (ŷₖ − yₖ)²로, 회귀 문제에 주로 쓰입니다. ½은 미분을 깔끔하게
# (∂E/∂ŷ = ŷ − y) 만듭니다. torch의 `nn.MSELoss`는 ½ 없이 **모든 원소의 평균**입니다. 이 프로젝트는 torch를
# 따르고(`MSELoss`), 노트의 형태를 `HalfSquaredErrorLoss`로 옆에 둡니다.

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
# **연습.** ŷ = (1, 2, 3), y = (0, 0, 0)일 때 노트의 E = ½ Σ (ŷ − y)²는? (`MSELoss`는 14/3)

# %%
답 = 7.0
check(답, float(snn.HalfSquaredErrorLoss()(np.array([1.0, 2.0, 3.0]), np.zeros(3))), "½ Σ (ŷ − y)²")

# %% [markdown]
# ## C3.1.2-cross-entropy — 교차 엔트로피 오차 (seed §3.1.2)
#
# 분류에서 정답은 0 또는 1이고, 소프트맥스를 통과한 예측은 [0, 1]의 실수입니다. 교차 엔트로피는
# E = −Σₖ yₖ log ŷₖ로, 정답 라벨의 −log ŷ만 남습니다. −log ŷ는 ŷ가 0에 가까울수록 커지고 1에 가까울수록 0에
# 수렴하므로, 정답과 예측의 차이가 클수록 오차가 커집니다. torch의 `CrossEntropyLoss`는 소프트맥스를 안에
# 포함해 **점수(logits)**를 받습니다(log-softmax로 계산해 안정적). 이진 분류는 `BCELoss`.

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
assert_twin_close(E, E_t, "C3.1.2-cross-entropy: the seed's example")
assert_twin_close(grad, scores_t.grad, "C3.1.2-cross-entropy: gradient of the scores")
print(f"E = −log P(차) = {float(E):.4f};  ∂E/∂점수 = ŷ − y = {grad[0].round(4)}")

# %%
figure("C3.1.2-cross-entropy-neg-log", width=520)

# %%
figure("C3.1.2-mse-vs-cross-entropy-gradient")

# %% [markdown]
# **연습.** 정답이 고양이였다면 E = −log P(고양이)는? (소수 넷째 자리까지)

# %%
답 = round(float(-np.log(probabilities[0, 0])), 4)
check(답, round(float(snn.CrossEntropyLoss()(scores, np.array([0]))), 4), "−log P(고양이)")
