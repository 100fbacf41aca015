# %% [markdown]
# # 01. 머신러닝 (seed §1.1–1.3)
#
# 노트는 머신러닝을 "데이터로부터 학습(training or learning)을 통해 성능을 개선하는 알고리즘"으로 정의합니다.
# 스팸 메일 분류기를 만든다면, 전통적인 프로그래밍은 구분 규칙을 사람이 하나하나 적지만 머신러닝은
# 데이터에서 규칙을 스스로 학습합니다. 노트가 나누는 세 갈래는 Supervised Learning, Unsupervised
# Learning, Reinforcement Learning입니다. 이 주차의 코드는 지도학습과, 머신러닝과 딥러닝의 차이인
# feature engineering을 다룹니다(강화학습 §1.2와 비지도학습은 이후 주차의 내용이라 구현하지 않았습니다).
#
# 이 노트북의 모든 절은 같은 순서로 진행합니다: 노트의 내용 → scratch 쌍둥이의 소스 → 실행 →
# torch 쌍둥이 → 두 값이 계약(float64: `rtol=1e-10, atol=1e-12`) 안에서 같다는 `assert` → 그림 → 연습문제.

# %%
import numpy as np
import torch

from parity_tests.parity import assert_twin_close, check_module_parity, to_torch
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

ROOT = start()

# %% [markdown]
# ## C1.1-supervised — 지도학습과 비지도학습 (seed §1.1)
#
# 지도학습은 입력과 출력(정답)이 함께 주어질 때 그 둘 사이의 함수 관계를 유추하는 학습입니다. 예측 대상이
# 범주형이면 **분류**(예: 이진 분류의 로지스틱 회귀), 연속형이면 **회귀**입니다. 이 프로젝트에서 두 모델은
# 뉴런 하나짜리 신경망입니다: 로지스틱 회귀는 z = x wᵀ + b 뒤에 시그모이드, 선형 회귀는 z 그대로.
# 신경망(§3)이 이 뉴런을 여러 층으로 쌓은 것이라는 점이 이 주차의 출발점입니다.

# %%
show(ss.LogisticRegression)

# %% [markdown]
# 두 개의 반달(moons) 200개 점으로 로지스틱 회귀를 학습합니다. 두 쌍둥이는 **같은 초기 가중치**에서
# 출발합니다: scratch가 가중치를 뽑고, torch 쌍둥이는 `load_numpy_state_dict`로 그것을 받습니다. 손실은
# `BCELoss`, optimizer는 학습률 0.5의 경사 하강법(전체 데이터, 200 스텝)입니다.

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
# **두 쌍둥이가 같은가.** 200 스텝의 손실 곡선 전체와 학습된 가중치를 optimizer 궤적의 계약으로,
# 그리고 학습된 모델의 순전파 출력, 입력의 gradient, 모든 파라미터의 gradient를 무작위 upstream
# gradient로 비교합니다(`check_module_parity`).

# %%
assert_twin_close(s_fit.losses, t_fit.losses, "C1.1-supervised: loss per step", kind="trajectory")
for name, parameter in t_logistic.named_parameters():
    assert_twin_close(s_logistic.state_dict()[name], parameter, f"C1.1-supervised: {name}", kind="trajectory")
t_logistic.zero_grad()  # the last training step left its gradients (scratch: check_module_parity clears them)
check_module_parity("C1.1-supervised: LogisticRegression", s_logistic, t_logistic, x[:8], rng)
print("두 쌍둥이가 계약 안에서 같습니다")

# %%
figure("C1.1-supervised-logistic")

# %% [markdown]
# 선형 회귀는 같은 뉴런에서 시그모이드를 뺀 것이고, 손실은 평균 제곱 오차입니다. y = 3x + 1에 잡음을
# 더한 데이터로 학습하면, 경사 하강법이 닫힌 형태의 최소제곱 해(`least_squares`)에 도착합니다.

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
# **1.** 로지스틱 회귀의 결정 경계는 w·x + b = 0인 직선입니다. 그 직선 위의 한 점에서 모델의 출력 ŷ는?

# %%
답 = 0.5  # 여러분의 답으로 바꿔 보세요
w, b = s_logistic.linear.weight.data[0], s_logistic.linear.bias.data[0]
on_the_line = -b * w / (w @ w)  # w·p + b = 0
check(답, float(s_logistic(on_the_line[None, :])[0]), "결정 경계 위의 ŷ")

# %% [markdown]
# **2.** 데이터는 y = 3x + 1에 잡음을 더해 만들었습니다. 학습된 기울기(`linear.weight`)를 소수 첫째
# 자리에서 반올림하면?

# %%
답 = 3.0
check(답, round(float(s_linear.linear.weight.data[0, 0]), 0), "학습된 기울기 (반올림)")

# %% [markdown]
# ## C1.3-features — 딥러닝 (seed §1.3)
#
# 노트는 딥러닝과 머신러닝의 차이를 **feature engineering**으로 설명합니다. Feature engineering은 모델의
# 성능과 해석력을 높이려고 사람이 데이터를 가공해 새 feature를 만드는 일입니다. 머신러닝은 그 결과에 따라
# 성능이 천차만별이지만, 딥러닝은 feature를 스스로 학습하므로 사람이 개입하지 않아도 됩니다.
#
# 동심원(circles) 데이터에서 이것을 봅니다. 원본 좌표 (x₁, x₂)로는 어떤 직선도 두 원을 나누지 못합니다.
# 사람이 만든 feature r² = x₁² + x₂² 하나면 로지스틱 회귀로 충분합니다. 다층 퍼셉트론은 그 feature를
# 원본 좌표에서 스스로 배웁니다.

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
    "로지스틱 회귀, feature r²": logistic_accuracy(r2),
    "MLP 2-16-2, 원본 (x₁, x₂)": np.mean(s_mlp(x_c).argmax(axis=1) == y_c),
}
for what, value in accuracies.items():
    print(f"{value:6.1%}  {what}")

# %%
figure("C1.3-features-circles")

# %% [markdown]
# ### 연습문제
#
# **1.** 반지름 0.5인 원 위의 점 (0.5 cos 1, 0.5 sin 1)의 feature r²는?

# %%
답 = 0.25
check(답, float(ss.radial_feature(np.array([[0.5 * np.cos(1.0), 0.5 * np.sin(1.0)]]))[0, 0]), "r²")

# %% [markdown]
# **2.** 세 모델 중 사람이 만든 feature 없이 동심원을 95% 넘게 맞히는 모델은 몇 개일까요?

# %%
답 = 1  # MLP 하나: 원본 좌표의 로지스틱 회귀는 직선이라 못 합니다
check(
    답,
    sum(value > 0.95 for what, value in accuracies.items() if "r²" not in what),
    "feature 없이 95% 넘는 모델 수",
)
