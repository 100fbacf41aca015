# %% [markdown]
# # 01. 머신러닝 (노트 §1.1–1.3)
#
# 노트는 머신러닝을 "데이터로부터 학습(Training or learning)을 통해 성능을 개선할 수 있는 컴퓨터
# 알고리즘의 한 분야"로 정의합니다. 스팸 메일 분류기를 만든다고 하면, 전통적인 프로그래밍에서는 사람이 구분
# 규칙을 하나하나 적어야 하지만 머신러닝은 데이터에서 규칙을 스스로 학습합니다. 노트는 머신러닝을
# 지도학습(supervised learning), 비지도학습(unsupervised learning), 강화학습(reinforcement learning)의
# 세 갈래로 나눕니다. 세 갈래 모두 1 주차 내용(§1.1–1.2)이지만, 비지도학습과 강화학습은 노트가 개념만
# 소개하므로 이 프로젝트는 코드로 옮기지 않았습니다. 이 노트북은 지도학습과, 머신러닝과 딥러닝을 가르는
# 특성 공학(feature engineering)을 코드로 봅니다.
#
# 절마다 순서는 같습니다: 노트의 내용 → scratch 쌍둥이의 코드 → 실행 → torch 쌍둥이로 같은 계산 → 두
# 결과가 허용 오차(float64: `rtol=1e-10, atol=1e-12`) 안에서 같다는 확인 → 그림 → 연습문제.

# %%
import numpy as np
import torch

from scratch import nn as snn
from scratch import optim as soptim
from scratch.data.datasets import make_2d
from scratch.models import mlp as smlp
from scratch.models import supervised as ss
from torch_impl import nn as tnn
from torch_impl import optim as toptim
from torch_impl.models import mlp as tmlp
from torch_impl.models import supervised as ts
from torch_impl.nn.state import load_numpy_state_dict
from twin_nets.notebooks import check, figure, show, start
from twin_nets.parity import assert_twin_close, check_module_parity, to_torch

ROOT = start()

# %% [markdown]
# ## C1.1-supervised — 지도학습과 비지도학습 (노트 §1.1)
#
# 지도학습은 입력과 출력(정답)이 함께 주어질 때 둘 사이의 함수 관계를 찾아내는 학습입니다. 예측 대상이
# 범주형이면 **분류**(예: 이진 분류의 로지스틱 회귀), 연속형이면 **회귀**입니다. 이 프로젝트에서 두 모델은
# 뉴런 하나짜리 신경망입니다. 로지스틱 회귀는 z = x wᵀ + b에 시그모이드를 씌운 것이고, 선형 회귀는 z를 그대로
# 냅니다. 신경망(§3)은 이 뉴런을 여러 층으로 쌓은 것입니다. 비지도학습은 정답 없이 입력만으로 규칙성을
# 찾는 학습(군집화, 이상 탐지, 차원 축소)으로, 노트가 개념만 다룹니다.
#
# 아래 코드가 scratch 쌍둥이의 로지스틱 회귀입니다. `forward`는 z = x wᵀ + b와 시그모이드를 차례로 부르고,
# `backward`는 그 반대 순서로 기울기를 돌려보냅니다.

# %%
show(ss.LogisticRegression)

# %% [markdown]
# 반달 두 개(moons) 모양의 점 200개로 로지스틱 회귀를 학습합니다. 두 쌍둥이는 **같은 초기 가중치**에서
# 출발합니다. scratch 쌍둥이가 가중치를 뽑고, torch 쌍둥이는 `load_numpy_state_dict`로 그 값을 받습니다.
# 손실 함수는 `BCELoss`, 옵티마이저는 학습률 0.5의 경사 하강법(전체 데이터로 200 스텝)입니다.

# %%
rng = np.random.default_rng(0)
x, y = make_2d("moons", 200, rng=rng)
target = y.astype(np.float64)

s_logistic = ss.LogisticRegression(2, rng=rng)
t_logistic = ts.LogisticRegression(2, dtype=torch.float64)
load_numpy_state_dict(t_logistic, s_logistic.state_dict())

s_fit = ss.fit_full_batch(
    s_logistic, snn.BCELoss(), soptim.SGD(s_logistic.parameters(), lr=0.5), x, target, 200
)
t_fit = ts.fit_full_batch(
    t_logistic, tnn.BCELoss(), toptim.SGD(t_logistic.parameters(), lr=0.5), to_torch(x), to_torch(target), 200
)
accuracy = np.mean((s_logistic(x) > 0.5) == y)
print(
    f"손실: {s_fit.losses[0]:.4f} → {s_fit.losses[-1]:.4f} (scratch), {t_fit.losses[-1].item():.4f} (torch)"
)
print(f"학습 데이터 정확도 {accuracy:.1%}: 반달은 직선 하나로 완전히 나눌 수 없습니다")

# %% [markdown]
# **두 쌍둥이가 같은가.** 먼저 200 스텝의 손실을 스텝마다 학습 궤적의 허용 오차로 비교합니다. 손실이 같다고
# 가중치까지 같다는 보장은 없으므로, 이어서 학습이 끝난 두 모델의 순전파 출력, 입력의 기울기, 모든 파라미터의
# 기울기를 무작위 상류 기울기(upstream gradient)로 비교합니다(`check_module_parity`).

# %%
assert_twin_close(s_fit.losses, t_fit.losses, "C1.1-supervised: loss per step", kind="trajectory")
t_logistic.zero_grad()  # the last training step left its gradients (scratch: check_module_parity clears them)
diffs = check_module_parity("C1.1-supervised: LogisticRegression", s_logistic, t_logistic, x[:8], rng)
print("두 쌍둥이의 결과가 허용 오차 안에서 같습니다")

# %%
figure("C1.1-supervised-logistic")

# %% [markdown]
# 선형 회귀는 같은 뉴런에서 시그모이드를 뺀 것이고, 손실 함수는 평균 제곱 오차입니다. y = 3x + 1에 잡음을
# 더한 데이터로 학습하면, 경사 하강법이 식으로 바로 구한 최소제곱 해(`least_squares`)에 도착합니다.

# %%
show(ss.LinearRegression)

# %%
x_line = rng.uniform(-1, 1, size=(100, 1))
y_line = 3.0 * x_line[:, 0] + 1.0 + 0.1 * rng.standard_normal(100)
s_linear = ss.LinearRegression(1, rng=rng)
t_linear = ts.LinearRegression(1, dtype=torch.float64)
load_numpy_state_dict(t_linear, s_linear.state_dict())
ss.fit_full_batch(s_linear, snn.MSELoss(), soptim.SGD(s_linear.parameters(), lr=0.3), x_line, y_line, 300)
ts.fit_full_batch(
    t_linear,
    tnn.MSELoss(),
    toptim.SGD(t_linear.parameters(), lr=0.3),
    to_torch(x_line),
    to_torch(y_line),
    300,
)
for name, parameter in t_linear.named_parameters():
    assert_twin_close(
        s_linear.state_dict()[name], parameter, f"C1.1-supervised: linear {name}", kind="trajectory"
    )
print("경사 하강법:", {k: v.round(4) for k, v in s_linear.state_dict().items()})
print("최소제곱 해:", {k: v.round(4) for k, v in ss.least_squares(x_line, y_line).items()})

# %%
figure("C1.1-supervised-linear")

# %% [markdown]
# ### 연습문제
#
# **1.** 로지스틱 회귀의 결정 경계는 w·x + b = 0인 직선입니다. 이 직선 위의 점을 넣으면 모델의 출력 ŷ는?

# %%
답 = ...  # 결정 경계 위의 ŷ
check(답, "C1.1-supervised/1", hint="결정 경계 위에서 z = w·x + b는 얼마인가요? 그때 σ(z) = 1/(1 + e⁻ᶻ)는?")

# %% [markdown]
# **2.** 선형 회귀의 손실 `MSELoss`는 모든 원소의 (ŷ − y)²의 평균입니다. ŷ = (2, 4), y = (1, 1)이면 손실은?

# %%
답 = ...  # MSELoss의 값
check(답, "C1.1-supervised/2", hint="원소마다 ŷ − y를 구해 제곱한 뒤, 그 값들의 평균을 냅니다")

# %% [markdown]
# ## C1.3-features — 딥러닝 (노트 §1.3)
#
# 노트는 딥러닝과 머신러닝의 차이를 **특성 공학**(feature engineering)으로 설명합니다. 특성 공학은 모델의
# 성능과 해석력을 높이려고 사람이 데이터를 가공해 새 특성(feature)을 만드는 일입니다. 머신러닝은 특성
# 공학을 어떻게 하느냐에 따라 결과가 크게 달라지지만, 딥러닝은 특성을 스스로 학습하므로 사람이 개입하지
# 않아도 됩니다.
#
# 동심원(circles) 데이터로 확인해 봅니다. 원래 좌표 (x₁, x₂)로는 어떤 직선도 두 원을 나누지 못합니다.
# 사람이 만든 특성 r² = x₁² + x₂² 하나만 있으면 로지스틱 회귀로 충분합니다. 다층 퍼셉트론은 원래 좌표에서
# 그런 특성을 스스로 배웁니다. 아래 함수가 사람이 만든 특성입니다.

# %%
show(ss.radial_feature)

# %%
x_c, y_c = make_2d("circles", 200, rng=rng)
r2 = ss.radial_feature(x_c)
assert_twin_close(r2, ts.radial_feature(to_torch(x_c)), "C1.3-features: radial_feature")


def logistic_accuracy(features):
    s_model = ss.LogisticRegression(features.shape[1], rng=np.random.default_rng(1))
    t_model = ts.LogisticRegression(features.shape[1], dtype=torch.float64)
    load_numpy_state_dict(t_model, s_model.state_dict())
    target_c = y_c.astype(np.float64)
    ss.fit_full_batch(
        s_model, snn.BCELoss(), soptim.SGD(s_model.parameters(), lr=1.0), features, target_c, 300
    )
    ts.fit_full_batch(
        t_model,
        tnn.BCELoss(),
        toptim.SGD(t_model.parameters(), lr=1.0),
        to_torch(features),
        to_torch(target_c),
        300,
    )
    s_out, t_out = s_model(features), t_model(to_torch(features))
    assert_twin_close(s_out, t_out, "C1.3-features: trained logistic regression", kind="trajectory")
    return np.mean((s_out > 0.5) == y_c)


spec = smlp.MLPSpec((2, 16, 2), activation="tanh")
s_mlp = smlp.build_mlp(spec, np.random.default_rng(2))
t_mlp = tmlp.build_mlp(spec)
load_numpy_state_dict(t_mlp, s_mlp.state_dict())
ss.fit_full_batch(s_mlp, snn.CrossEntropyLoss(), soptim.Adam(s_mlp.parameters(), lr=0.05), x_c, y_c, 200)
ts.fit_full_batch(
    t_mlp,
    tnn.CrossEntropyLoss(),
    toptim.Adam(t_mlp.parameters(), lr=0.05),
    to_torch(x_c),
    torch.from_numpy(y_c),
    200,
)
assert_twin_close(s_mlp(x_c), t_mlp(to_torch(x_c)), "C1.3-features: trained MLP logits", kind="trajectory")
accuracies = {
    "로지스틱 회귀, 원본 (x₁, x₂)": logistic_accuracy(x_c),
    "로지스틱 회귀, 특성 r²": logistic_accuracy(r2),
    "MLP 2-16-2, 원본 (x₁, x₂)": np.mean(s_mlp(x_c).argmax(axis=1) == y_c),
}
for what, value in accuracies.items():
    print(f"{value:6.1%}  {what}")

# %%
figure("C1.3-features-circles")

# %% [markdown]
# ### 연습문제
#
# **1.** 반지름 0.5인 원 위의 점 (0.5 cos 1, 0.5 sin 1)의 특성 r²는?

# %%
답 = ...  # r²
check(답, "C1.3-features/1", hint="cos²θ + sin²θ = 1입니다")

# %% [markdown]
# **2.** 특성 r²로 학습한 로지스틱 회귀의 결정 경계가 r² = 0.5라면, 원래 평면 (x₁, x₂)에서 그 경계는
# 원입니다. 그 원의 반지름은? (소수 넷째 자리까지)

# %%
답 = ...  # 반지름
check(답, "C1.3-features/2", hint="원 위의 점은 x₁² + x₂² = (반지름)²을 만족합니다")
