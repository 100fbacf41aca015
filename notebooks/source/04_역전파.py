# %% [markdown]
# # 04. 역전파 (seed §3.2)
#
# 순전파가 모델이 추론하는 과정이라면, 역전파(Back Propagation)는 모델이 학습하는 과정입니다. 순전파의
# 예측과 손실 함수로 정답과의 차이 E를 구하고, 그 차이를 줄이도록 가중치와 편향을 업데이트합니다. 층이
# 여러 개이므로 한 번의 미분으로는 모든 가중치를 갱신할 수 없고, **미분의 연쇄법칙(chain rule)**으로 손실의
# 기울기를 출력에서 입력 쪽으로 전달합니다. 노트는 이것을 "그림으로만 확인하고 넘어가자"고 했습니다. 이
# 노트북은 그 그림을 숫자로 풉니다: 연쇄법칙을 숫자로, 계산 그래프, 자동 미분(autograd) 쌍둥이, 그리고 한
# gradient에 이르는 세 가지 길.

# %%
import numpy as np
import torch

from parity_tests.parity import FINITE_DIFFERENCE_RTOL, assert_twin_close, check_module_parity, to_torch
from scratch import autograd as sag
from scratch import nn as snn
from scratch.autograd import chain_rule, nets
from scratch.data.datasets import logic_gate
from scratch.gradcheck import gradcheck
from scratch.models import mlp as smlp
from scratch.models import perceptron as sp
from torch_impl import autograd as tag
from torch_impl import nn as tnn
from torch_impl.models import mlp as tmlp
from torch_impl.models import perceptron as tp
from torch_impl.nn.state import load_numpy_state_dict
from twin_nets.notebooks import check, figure, show, start

ROOT = start()
rng = np.random.default_rng(0)

# %% [markdown]
# ## C3.2-backprop — 역전파: 층마다 손으로 쓴 backward (seed §3.2)
#
# scratch 쌍둥이의 모든 모듈은 `forward` 바로 옆에 `backward(g)`를 가집니다: 받은 upstream gradient
# g = ∂E/∂(출력)에 자기 국소 미분을 곱해 ∂E/∂(입력)을 돌려주고, 파라미터의 gradient는 `.grad`에 더합니다.
# `Sequential.backward`는 그것을 마지막 층부터 첫 층까지 차례로 부릅니다 — 연쇄법칙 그대로입니다.
# torch 쌍둥이는 `loss.backward()` 한 줄로 autograd가 같은 일을 합니다. 손으로 쓴 미분은 유한 차분(finite
# differences)과도 비교합니다(`gradcheck`, 상대 오차 < 1e-7).

# %%
show(snn.Sequential.backward, gradcheck)

# %% [markdown]
# 노트의 2-2-1 XOR 모양에서 계단 함수를 시그모이드로 바꾼 네트워크에 XOR의 네 점을 넣습니다.

# %%
x_xor, t_xor = logic_gate("xor")
s_net = sp.xor_sigmoid_network(rng)
t_net = tp.xor_sigmoid_network(dtype=torch.float64)
diffs = check_module_parity("C3.2-backprop: Sequential.backward vs torch.autograd", s_net, t_net, x_xor, rng)
errors = gradcheck(s_net, x_xor, rng=rng)
assert max(errors.values()) < FINITE_DIFFERENCE_RTOL, errors
print(
    "torch와의 최대 차이:",
    f"{max(diffs.values()):.1e}",
    " 유한 차분과의 상대 오차:",
    f"{max(errors.values()):.1e}",
)

# %%
figure("C3.2-backprop-graph")

# %% [markdown]
# ### 연습문제
#
# **1.** 시그모이드 층의 backward는 ∂E/∂z = ∂E/∂y · y(1 − y)입니다. z = 0 (y = 0.5)에서 upstream gradient가
# 2이면 ∂E/∂z는?

# %%
답 = 2 * 0.5 * (1 - 0.5)
sigmoid = snn.Sigmoid()
sigmoid(np.zeros((1, 1)))
check(답, float(sigmoid.backward(np.full((1, 1), 2.0))[0, 0]), "∂E/∂z")

# %% [markdown]
# **2.** `Linear`의 backward에서 ∂E/∂W = gᵀx입니다. x = (1, 2), g = (3,)인 한 샘플이면 ∂E/∂W는?

# %%
답 = np.array([[3.0, 6.0]])
linear = snn.Linear(2, 1, rng=rng)
linear(np.array([[1.0, 2.0]]))
linear.backward(np.array([[3.0]]))
check(답, linear.weight.grad, "∂E/∂W")

# %% [markdown]
# ## C3.2-autograd — 계산 그래프와 자동 미분 (seed §3.2)
#
# 층마다 backward를 손으로 쓰는 대신, 연산 하나하나를 기록해 두었다가 거꾸로 걸어가며 연쇄법칙을 적용할 수
# 있습니다. 이것이 reverse-mode 자동 미분(autograd)이고, torch의 `torch.autograd`가 하는 일입니다. scratch
# 쌍둥이의 `scratch.autograd.Tensor`는 각 연산의 국소 미분을 그 순전파 바로 옆에 두고(micrograd처럼),
# `backward()`가 위상 정렬 순서로 그래프를 거꾸로 걷습니다. 각 노드 u는 ∂E/∂u = Σ (소비자 v의 ∂E/∂v) ·
# ∂v/∂u를 받습니다: upstream gradient 곱하기 국소 미분.

# %%
show(sag.Tensor.backward)

# %% [markdown]
# **연쇄법칙을 숫자로.** 노트의 XOR 네트워크의 9개 가중치(은닉 (1, 1, −1.5)와 (1, 1, −0.5), 출력
# (−1, 1, −0.5))에 시그모이드와 노트의 손실 E = ½(ŷ − t)²를 써서, 샘플 x = (1, 1), t = 0 하나의 그래프를
# 노드마다 한 숫자로 적습니다. 두 쌍둥이가 자기 그래프에서 같은 표를 읽습니다(scratch: 엔진의 기록,
# torch: `grad_fn`).

# %%
s_example = chain_rule.worked_example(x=(1.0, 1.0), target=0.0, lr=0.5)
t_example = tag.worked_example(x=(1.0, 1.0), target=0.0, lr=0.5)
assert [r["name"] for r in s_example["rows"]] == [r["name"] for r in t_example["rows"]]
for key in ("value", "grad"):
    s_values = np.array([r[key] for r in s_example["rows"]])
    t_values = torch.tensor([r[key] for r in t_example["rows"]], dtype=torch.float64)
    assert_twin_close(s_values, t_values, f"C3.2-autograd: every node's {key}")
s_update = np.array([u[1:] for u in s_example["update"]])
t_update = torch.tensor([u[1:] for u in t_example["update"]], dtype=torch.float64)
assert_twin_close(s_update, t_update, "C3.2-autograd: the step")
print(chain_rule.format_table(s_example))

# %%
figure("C3.2-backprop-chain-rule")

# %% [markdown]
# **한 gradient에 이르는 세 가지 길.** 같은 MLP, 같은 데이터, 같은 손실의 ∂E/∂W를 (1) 층마다 손으로 쓴
# backward, (2) scratch의 autograd 엔진(모델을 Tensor 식으로 다시 써서), (3) torch의 autograd로 구하고,
# 넷째로 유한 차분과 비교합니다.

# %%
spec = smlp.MLPSpec((4, 6, 3), activation="tanh")
s_mlp = smlp.build_mlp(spec, np.random.default_rng(1))
t_mlp = tmlp.build_mlp(spec)
load_numpy_state_dict(t_mlp, s_mlp.state_dict())
x4, y4 = rng.standard_normal((5, 4)), rng.integers(0, 3, 5)
loss = snn.CrossEntropyLoss()
loss(s_mlp(x4), y4)
s_mlp.backward(loss.backward())  # (1) layer by layer
params = nets.parameters_of(s_mlp)
nets.loss_expression(loss, nets.model_expression(s_mlp, x4, params), y4).backward()  # (2) the engine
tnn.CrossEntropyLoss()(t_mlp(to_torch(x4)), torch.from_numpy(y4)).backward()  # (3) torch.autograd
for name, parameter in t_mlp.named_parameters():
    layer_wise = dict(s_mlp.named_parameters())[name].grad
    assert_twin_close(layer_wise, parameter.grad, f"C3.2-autograd: layer-wise vs torch, {name}")
    assert_twin_close(params[name].grad, parameter.grad, f"C3.2-autograd: engine vs torch, {name}")
errors = gradcheck(s_mlp, x4, rng=rng)
assert max(errors.values()) < FINITE_DIFFERENCE_RTOL, errors
print("세 길이 계약 안에서 같고, 유한 차분과의 상대 오차는", f"{max(errors.values()):.1e}")

# %% [markdown]
# ### 연습문제
#
# **1.** 위 표에서 ŷ = 0.4244, t = 0입니다. E = ½(ŷ − t)²의 ∂E/∂ŷ는? (소수 넷째 자리)

# %%
rows = {row["name"]: row for row in s_example["rows"]}
답 = 0.4244
check(답, round(rows["ŷ"]["grad"], 4), "∂E/∂ŷ")

# %% [markdown]
# **2.** 학습률 α = 0.5로 한 스텝 가면 E가 줄어들까요? (`True`/`False`)

# %%
답 = True
check(답, bool(s_example["loss_after"] < rows["E"]["value"]), "한 스텝 뒤 E가 줄었다")

# %% [markdown]
# **3.** 한 텐서를 두 번 쓰면 두 gradient가 더해집니다. x = 3에서 E = x · x의 ∂E/∂x는?

# %%
답 = 6.0
x = sag.Tensor(3.0, requires_grad=True)
(x * x).backward()
check(답, float(x.grad), "∂(x·x)/∂x")
