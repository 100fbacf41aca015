# %% [markdown]
# # 04. 역전파 (노트 §3.2)
#
# 노트는 순전파를 모델이 추론하는 과정, 역전파(back propagation)를 모델이 학습하는 과정으로 소개합니다.
# 순전파의 예측과 손실 함수로 정답과의 차이 E를 구하고, 그 차이를 줄이도록 가중치와 편향을 갱신한다는
# 것입니다. 정확히 나누면, 역전파가 하는 일은 E를 각 가중치와 편향으로 미분한 값, 곧 **기울기**를 구하는
# 것이고, 그 기울기로 가중치를 갱신하는 것은 옵티마이저(05_최적화)의 일입니다. 층이 여러 개이므로 한 번의
# 미분으로는 모든 가중치의 기울기를 구할 수 없어서, **미분의 연쇄법칙**(chain rule)으로 손실의 기울기를
# 출력에서 입력 쪽으로 전달합니다. 노트는 이 과정을 "그림을 통해서만 확인해보고 넘어가도록"
# 했습니다. 이 노트북은 그 과정을 숫자로 따라갑니다. 먼저 층마다 손으로 쓴 역전파를 보고, 다음으로 계산
# 그래프와 자동 미분(autograd)을 본 뒤, 마지막으로 같은 기울기를 세 가지 방법으로 구해 비교합니다.

# %%
import numpy as np
import torch

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
from twin_nets.parity import FINITE_DIFFERENCE_RTOL, assert_twin_close, check_module_parity, to_torch

ROOT = start()
rng = np.random.default_rng(0)

# %% [markdown]
# ## C3.2-backprop — 역전파: 층마다 손으로 쓴 `backward` (노트 §3.2)
#
# scratch 쌍둥이의 모든 모듈은 `forward` 바로 옆에 `backward(g)`가 있습니다. `backward`는 출력 쪽에서 받은
# 상류 기울기 g = ∂E/∂(출력)에 자기 층의 국소 미분을 곱해 ∂E/∂(입력)을 돌려주고, 파라미터의 기울기는 `.grad`에
# 더합니다. `Sequential.backward`는 이것을 마지막 층부터 첫 층까지 차례로 부릅니다. 연쇄법칙을 그대로 코드로
# 옮긴 것입니다. torch 쌍둥이에서는 `loss.backward()` 한 줄로 torch의 자동 미분이 같은 일을 합니다. 손으로 쓴
# 미분은 유한 차분(finite differences)으로 구한 근삿값과도 비교합니다(`gradcheck`, 상대 오차 < 1e-7).

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
print(f"torch와의 최대 차이 {max(diffs.values()):.1e}, 유한 차분과의 상대 오차 {max(errors.values()):.1e}")

# %%
figure("C3.2-backprop-graph")

# %% [markdown]
# ### 연습문제
#
# **1.** `Linear`의 `backward`는 입력 쪽으로 ∂E/∂x = g W를 돌려보냅니다. W = [[1, 2], [3, 4]]이고 한 샘플의
# 상류 기울기가 g = (1, −1)이면 ∂E/∂x는? (모양 (1, 2)의 배열로 답하세요)

# %%
답 = ...  # ∂E/∂x = g W
check(답, "C3.2-backprop/1", hint="g W의 j번째 값은 Σₖ gₖ Wₖⱼ, 곧 g와 W의 j번째 열의 내적입니다")

# %% [markdown]
# **2.** `Linear`의 `backward`에서 ∂E/∂W = gᵀx입니다. 입력이 x = (1, 2)인 한 샘플에 상류 기울기 g = (3,)이면
# ∂E/∂W는? (`weight`와 같은 모양 (1, 2)의 배열로 답하세요)

# %%
답 = ...  # ∂E/∂W = gᵀx
check(답, "C3.2-backprop/2", hint="gᵀ는 모양 (1, 1), x는 모양 (1, 2)인 행렬입니다. 둘을 곱합니다")

# %% [markdown]
# ## C3.2-autograd — 계산 그래프와 자동 미분 (노트 §3.2)
#
# 층마다 `backward`를 손으로 쓰는 대신, 연산을 하나하나 기록해 두었다가 마지막 연산부터 거꾸로 연쇄법칙을
# 적용할 수도 있습니다. 이것이 역방향 자동 미분(reverse-mode automatic differentiation)이고, torch의
# `torch.autograd`가 하는 일입니다. scratch 쌍둥이의 `scratch.autograd.Tensor`는 연산마다 국소 미분을 그
# 순전파 코드 바로 옆에 둡니다(micrograd와 같은 방식). `backward()`는 위상 정렬로 노드의 순서를 정한 뒤,
# 출력에서 입력 쪽으로 가며 각 노드의 기울기를 계산합니다. 노드 u의 기울기는 u를 입력으로 쓰는 노드 v마다 (v의
# 기울기) × (v를 u로 미분한 국소 미분)을 구해 모두 더한 값입니다: ∂E/∂u = Σᵥ ∂E/∂v · ∂v/∂u. 곧 상류 기울기
# 곱하기 국소 미분입니다.

# %%
show(sag.Tensor.backward)

# %% [markdown]
# **연쇄법칙을 숫자로.** 노트의 XOR 네트워크의 가중치 9개(은닉 (1, 1, −1.5)와 (1, 1, −0.5), 출력
# (−1, 1, −0.5))에 계단 함수 대신 시그모이드를, 손실 함수로 노트의 E = ½(ŷ − t)²를 써서, 샘플 하나
# x = (1, 1), t = 0의 계산 그래프를 노드마다 숫자로 적습니다. 표의 열은 노드, 그 노드를 만든 연산, 노드의
# 값, 그 노드의 기울기 ∂E/∂노드, 입력, 국소 미분 ∂노드/∂입력, 그리고 ∂E/∂노드와 국소 미분의 곱입니다.
# 연산을 거치지 않고 처음부터 주어진 입력과 가중치는 잎(leaf) 노드입니다. 두 쌍둥이가 각자의 그래프에서
# 같은 표를 만들어 냅니다 (scratch는 엔진이 기록한 그래프, torch는 `grad_fn`).

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
print(chain_rule.format_table(s_example, language="ko"))

# %%
figure("C3.2-backprop-chain-rule")

# %% [markdown]
# **같은 기울기를 구하는 세 가지 방법.** 같은 다층 퍼셉트론, 같은 데이터, 같은 손실 함수에서 ∂E/∂W를
# (1) 층마다 손으로 쓴 `backward`, (2) scratch의 자동 미분 엔진(모델을 `Tensor` 연산으로 다시 써서),
# (3) torch의 자동 미분(`torch.autograd`)으로 구해 서로 비교하고, 유한 차분으로 구한 근삿값과도 비교합니다.

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
print(f"세 방법의 결과가 허용 오차 안에서 같고, 유한 차분과의 상대 오차는 {max(errors.values()):.1e}입니다")

# %% [markdown]
# ### 연습문제
#
# **1.** 위 표는 정답이 t = 0일 때입니다. 같은 입력 x = (1, 1)에서 정답이 **t = 1**이라면, E = ½(ŷ − t)²의
# ∂E/∂ŷ는? (표의 ŷ 값을 써서, 소수 넷째 자리까지)

# %%
답 = ...  # t = 1일 때 ∂E/∂ŷ
check(답, "C3.2-autograd/1", hint="∂E/∂ŷ = ŷ − t입니다. ŷ는 정답과 상관없이 표의 값 그대로입니다")

# %% [markdown]
# **2.** 한 텐서를 두 번 쓰면 두 기울기가 더해집니다. x = 3에서 E = x · x의 ∂E/∂x는?

# %%
답 = ...  # ∂(x·x)/∂x
check(
    답,
    "C3.2-autograd/2",
    hint="곱셈의 두 입력이 모두 x입니다. 각 입력 쪽의 국소 미분은 다른 쪽 입력의 값입니다",
)

# %% [markdown]
# > **직접 구현해 보기**: 이 절의 함수를 워크북에서 직접 써 보고 채점해 보세요.
# > 채울 함수: `TensorOps.exp`, `TensorOps.log`, `TensorOps.sqrt` 등 24개
# > 저장소 루트의 터미널에서:
# >
# > ```bash
# > .venv/bin/python -m twin_nets.workbook start C3.2-autograd   # 본문이 빈 파일을 만듭니다
# > .venv/bin/python -m twin_nets.workbook grade C3.2-autograd   # 채점
# > ```
