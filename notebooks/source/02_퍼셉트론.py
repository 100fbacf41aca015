# %% [markdown]
# # 02. 퍼셉트론 (노트 §2.1–2.2)
#
# 퍼셉트론은 여러 입력을 받아 하나의 출력을 내는 알고리즘으로, 신경 세포와 모양이 닮았습니다. 이 장에서는
# 퍼셉트론 하나로 논리 게이트(AND, OR, NAND)를 만들고, 학습 규칙으로 가중치를 찾고, XOR에서는 실패하는
# 것을 봅니다. 그다음 퍼셉트론을 쌓은 다층 퍼셉트론이 노트의 가중치 그대로 XOR을 푸는 것을 확인합니다.

# %%
import numpy as np
import torch

from scratch.data.datasets import logic_gate
from scratch.models import mlp as smlp
from scratch.models import perceptron as sp
from torch_impl.models import mlp as tmlp
from torch_impl.models import perceptron as tp
from torch_impl.nn.state import load_numpy_state_dict
from twin_nets.notebooks import check, figure, show, start
from twin_nets.parity import assert_twin_close, check_module_parity, to_torch

ROOT = start()

# %% [markdown]
# ## C2.1-perceptron — 단층 퍼셉트론 (노트 §2.1)
#
# 퍼셉트론에는 입력 x, 가중치(Weight) w, 입력과 가중치를 곱해 더하는 가중합(Weighted Sum), 그리고
# 활성화 함수(Activation Function)가 있습니다. 노트의 식은
#
# $$y = 0 \;\; (\textstyle\sum_{i=1}^n w_i x_i + b \leq \theta), \qquad
#   y = 1 \;\; (\textstyle\sum_{i=1}^n w_i x_i + b \geq \theta)$$
#
# 입니다. 임계값 θ를 왼쪽으로 옮기면 w·x + (b − θ)를 0과 비교하는 것과 같으므로, 이 프로젝트는 θ를 편향
# b에 합쳐 파라미터 하나로 씁니다. 퍼셉트론의 경계 w₁x₁ + w₂x₂ + b = 0은 직선이므로, 퍼셉트론은 선형으로
# 나눌 수 있는 문제만 풉니다. 가중치는 Rosenblatt의 학습 규칙으로 찾습니다: 틀린 샘플마다
# w ← w + η(t − y)x, b ← b + η(t − y). 여기서 t는 정답, η는 학습률(코드의 `lr`)입니다.
#
# > **노트 바로잡기.** 노트의 식은 경계 위(Σwᵢxᵢ + b = θ)에서 y = 0과 y = 1을 **둘 다** 허락합니다(≤와 ≥).
# > 한 입력에 출력은 하나여야 하므로 한쪽은 부등호가 엄격해야 합니다. 이 프로젝트는 y = 1 ⇔ w·x + b > 0,
# > 경계 위에서는 0으로 정했습니다(아래 코드의 `step`). 경계 위의 점 (x₁, x₂) = (1, 0.5)를 AND 게이트
# > (w = (1, 1), b = −1.5)에 넣은 결과를 아래 셀에서 출력합니다.

# %%
show(sp.Perceptron)

# %% [markdown]
# 가중치를 손으로 정한 AND, OR, NAND 게이트입니다(AND와 OR은 노트의 XOR 네트워크에 있는 은닉 퍼셉트론
# 두 개입니다). 네 입력에 대한 진리표를 두 쌍둥이로 계산합니다.

# %%
x_gate, _ = logic_gate("and")
print("x₁ x₂ | AND OR NAND")
tables = {}
for name in ("and", "or", "nand"):
    s_gate, t_gate = sp.logic_gate_perceptron(name), tp.logic_gate_perceptron(name)
    tables[name] = s_gate(x_gate)
    assert_twin_close(tables[name], t_gate(to_torch(x_gate)), f"C2.1-perceptron: {name} truth table")
    assert np.array_equal(tables[name], logic_gate(name)[1]), f"{name}: the hand-set weights are wrong"
for row, a, o, n in zip(x_gate, tables["and"], tables["or"], tables["nand"], strict=True):
    print(f" {row[0]:.0f}  {row[1]:.0f} |  {a:.0f}   {o:.0f}   {n:.0f}")
on_the_boundary = sp.logic_gate_perceptron("and")(np.array([[1.0, 0.5]]))[0]
print(f"경계 위의 점 (1, 0.5): w·x + b = 1 + 0.5 − 1.5 = 0 → 출력 {on_the_boundary:.0f}")

# %% [markdown]
# 이번에는 가중치 0에서 시작해 학습 규칙으로 가중치를 찾습니다. AND는 몇 에폭 만에 수렴합니다. XOR은 어떤
# 직선으로도 나눌 수 없으므로 100 에폭 동안 한 번도 네 점을 모두 맞히지 못합니다. 두 쌍둥이가 에폭마다 같은
# 가중치를 거쳐 가는지도 확인합니다.

# %%
fits = {}
for name in ("and", "xor"):
    x_train, t_train = logic_gate(name)
    s_perceptron, t_perceptron = sp.Perceptron(2), tp.Perceptron(2)
    s_perceptron.load_state_dict({"weight": np.zeros(2), "bias": np.zeros(())})
    load_numpy_state_dict(t_perceptron, s_perceptron.state_dict())
    fits[name] = s_perceptron.fit(x_train, t_train, lr=1.0, max_epochs=100)
    t_fit = t_perceptron.fit(to_torch(x_train), to_torch(t_train), lr=1.0, max_epochs=100)
    assert_twin_close(
        fits[name].weights, t_fit.weights, f"C2.1-perceptron: {name} weight path", kind="trajectory"
    )
    fit = fits[name]
    print(f"{name}: {fit.epochs} 에폭 동안 학습, 마지막 에폭에 틀린 샘플 {fit.mistakes[-1]}개")

# %%
figure("C2.1-perceptron-gates")

# %%
figure("C2.1-perceptron-xor")

# %% [markdown]
# ### 연습문제
#
# **1.** NAND 퍼셉트론(w = (−1, −1), b = 1.5)에 (1, 1)을 넣으면 출력은?

# %%
답 = ...  # NAND(1, 1)
check(답, "C2.1-perceptron/1", hint="w·x + b를 계산하고, 0보다 큰지 봅니다")

# %% [markdown]
# **2.** 학습 규칙을 XOR에 100 에폭보다 훨씬 오래 돌리면 언젠가 수렴할까요? (`True` / `False`)

# %%
답 = ...  # True 또는 False
check(답, "C2.1-perceptron/2", hint="퍼셉트론의 경계는 직선입니다. XOR의 네 점을 직선 하나로 나눌 수 있나요?")

# %% [markdown]
# ## C2.2-mlp-xor — 다층 퍼셉트론: XOR (노트 §2.2)
#
# 퍼셉트론 하나로는 XOR을 풀 수 없지만 여러 개를 연결하면 풀 수 있습니다. 노트의 네트워크는 입력층과
# 은닉층의 노드가 2개, 출력층의 노드가 1개이고 활성화 함수가 계단 함수(step function)입니다. 가중치는
# 첫 번째 은닉 퍼셉트론이 (1, 1, −1.5), 두 번째가 (1, 1, −0.5), 출력 퍼셉트론이 (−1, 1, −0.5)로 모두
# 9개입니다. 은닉층은 점 (x₁, x₂)를 새 평면의 점 (h₁, h₂)로 옮기고, 그 h 평면에서는 직선 하나가 두 클래스를
# 나눕니다. 아래 함수가 노트의 네트워크를 만듭니다(코드 이름의 `seed_`는 "노트의"라는 뜻입니다).

# %%
show(sp.seed_xor_network)

# %%
x_xor, t_xor = logic_gate("xor")
s_xor, t_xor_net = sp.seed_xor_network(), tp.seed_xor_network()
h = s_xor[1](s_xor[0](x_xor))  # Linear then Step: the hidden layer
y_xor = s_xor(x_xor)
assert_twin_close(h, t_xor_net[1](t_xor_net[0](to_torch(x_xor))), "C2.2-mlp-xor: hidden layer (h₁, h₂)")
assert_twin_close(y_xor, t_xor_net(to_torch(x_xor)), "C2.2-mlp-xor: output y")
assert np.array_equal(y_xor[:, 0], t_xor), "the notes' network does not compute XOR"
print("x₁ x₂ → h₁ h₂ → y")
for row, hidden, out in zip(x_xor, h, y_xor, strict=True):
    print(f" {row[0]:.0f}  {row[1]:.0f} →  {hidden[0]:.0f}  {hidden[1]:.0f} → {out[0]:.0f}")

# %% [markdown]
# 계단 함수의 미분은 (정의된 곳에서) 0이므로 이 네트워크는 경사 하강법으로 학습할 수 없습니다. 같은 2-2-1
# 모양에서 계단 함수를 시그모이드로 바꾼 네트워크(`xor_sigmoid_network`)는 역전파(§3.2)로 XOR을 배웁니다.
# 그 네트워크의 순전파 출력, 입력의 기울기, 모든 파라미터의 기울기를 두 쌍둥이로 비교합니다.

# %%
rng = np.random.default_rng(0)
s_sigmoid_net = sp.xor_sigmoid_network(rng)
t_sigmoid_net = tp.xor_sigmoid_network(dtype=torch.float64)
diffs = check_module_parity("C2.2-mlp-xor: sigmoid network", s_sigmoid_net, t_sigmoid_net, x_xor, rng)
print("두 쌍둥이의 가장 큰 차이:", f"{max(diffs.values()):.1e}")

# %%
figure("C2.2-mlp-xor-planes")

# %%
figure("C2.2-mlp-xor-backprop")

# %% [markdown]
# ### 연습문제
#
# **1.** 표에 없는 입력 (2, −1)은 h 평면의 어느 점 (h₁, h₂)로 옮겨질까요? (튜플로 답하세요)

# %%
답 = ...  # (h₁, h₂)
check(답, "C2.2-mlp-xor/1", hint="h₁ = step(x₁ + x₂ − 1.5), h₂ = step(x₁ + x₂ − 0.5)입니다")

# %% [markdown]
# **2.** 출력 퍼셉트론은 −h₁ + h₂ − 0.5 > 0일 때 1을 냅니다. 편향 −0.5를 +0.5로 바꾸면, XOR의 네 입력 중
# 출력이 1인 것은 몇 개일까요?

# %%
답 = ...  # 출력이 1인 입력의 수
check(답, "C2.2-mlp-xor/2", hint="위 표의 h 값 네 개 각각에 −h₁ + h₂ + 0.5를 계산해 봅니다")

# %% [markdown]
# ## C2.2-mlp — 다층 퍼셉트론: 8 → 10 → 3 (노트 §2.2)
#
# 노트의 그림은 입력층(input layer) 노드 8개, 은닉층(hidden layer) 10개, 출력층(output layer) 3개입니다.
# 은닉 노드 H1…H10은 각각 가중치 8개를 가진 퍼셉트론의 출력이면서 출력층 퍼셉트론들의 입력입니다. 이
# 프로젝트의 `build_mlp`는 `MLPSpec`(층의 너비, 활성화 함수, 초기화, 정규화, 드롭아웃) 하나로 두 쌍둥이를
# 같은 모양으로 만듭니다.

# %%
show(smlp.build_mlp)

# %%
spec = smlp.MLPSpec((8, 10, 3), activation="sigmoid")
s_net = smlp.build_mlp(spec, np.random.default_rng(1))
t_net = tmlp.build_mlp(spec)
print(s_net)
print(t_net)
assert list(s_net.state_dict()) == list(t_net.state_dict()), "the twins' state-dict keys differ"
assert smlp.count_parameters(s_net) == sum(p.numel() for p in t_net.parameters())
x8 = rng.standard_normal((5, 8))
diffs = check_module_parity("C2.2-mlp: 8-10-3", s_net, t_net, x8, rng)
print("두 쌍둥이의 state_dict 키, 파라미터 수, 순전파와 기울기가 같습니다")

# %%
figure("C2.2-mlp-8-10-3")

# %% [markdown]
# ### 연습문제
#
# **1.** 8 → 10 → 3 네트워크의 파라미터(가중치와 편향)는 모두 몇 개일까요?

# %%
답 = ...  # 파라미터 수
check(답, "C2.2-mlp/1", hint="층마다 (입력 수 × 출력 수)개의 가중치와 출력 수만큼의 편향이 있습니다")

# %% [markdown]
# **2.** 노드 10개짜리 은닉층을 하나 더 넣으면(8 → 10 → 10 → 3) 파라미터는 몇 개가 될까요?

# %%
답 = ...  # 파라미터 수
check(답, "C2.2-mlp/2", hint="새로 생긴 10 → 10 층의 가중치와 편향을 더합니다")
