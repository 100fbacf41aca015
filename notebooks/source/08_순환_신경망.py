# %% [markdown]
# # 08. 3주차 미리보기: 순환 신경망
#
# 노트는 §4.3에서 배치 정규화의 한계를 이렇게 적습니다. "추후에 배울 RNN처럼 sequential 데이터를 처리하는
# 경우에는 Batch Normalization을 적용시키기 어렵습니다." 그리고 레이어 정규화는 "Sequence에 강건하기 때문에
# RNN에 적용할 수 있는 방법"이라고 합니다. 이 노트북은 3주차의 주제인 **순환 신경망**(RNN)을 미리 만들어 보고,
# 마지막 절에서 노트의 이 주장을 숫자로 확인합니다.
#
# 순서는 다른 노트북과 같습니다. 노트의 내용 → `scratch/`의 코드 → torch 쌍둥이 → 일치 증명 → 그림 →
# 연습문제. 1주차 노트 밖의 내용이 많으므로, 06_성능_향상_기법까지 마친 뒤에 읽으세요.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

import scratch.nn as snn
import scratch.optim
import torch_impl.nn as tnn
from scratch.models import char_lm
from scratch.models.normalized_lstm import NormalizedLSTM
from scratch.models.recall import LastStateClassifier
from scratch.nn.functional.rnn import (
    gru_cell,
    gru_cell_backward,
    lstm_cell,
    lstm_cell_backward,
    lstm_gates,
    lstm_gates_backward,
    rnn_cell,
    rnn_cell_backward,
)
from scratch.nn.functional.sparse import embedding, embedding_backward
from scratch.nn.utils import clip_grad_norm_
from torch_impl.models import char_lm as torch_char_lm
from torch_impl.nn.state import load_numpy_state_dict
from torch_impl.nn.utils import clip_grad_norm_ as torch_clip_grad_norm_
from twin_nets.experiments import recall, sequence_length, sequence_norm, through_time
from twin_nets.notebooks import check, figure, show, start
from twin_nets.parity import PAIRED_TRAINING_ATOL, assert_twin_close, to_torch
from twin_nets.training import charlm

ROOT = start()
rng = np.random.default_rng(0)

# %% [markdown]
# ## C4.3-embedding — 임베딩 (노트 §4.3)
#
# 순환 신경망은 글자나 단어를 차례로 읽습니다. 글자는 숫자가 아니므로, 먼저 글자마다 번호(0, 1, 2, …)를 붙이고
# 번호마다 벡터 하나를 둡니다. 이 벡터들을 모은 행렬 W의 k번째 행이 k번 글자의 벡터이고, W도 다른 가중치처럼
# 학습합니다. 이것이 **임베딩**(embedding)입니다. 순전파는 행을 골라 오는 것뿐이고, 역전파는 상류 기울기를 그
# 글자의 행에 더합니다. 같은 글자가 여러 번 나오면 그 행에 기울기가 여러 번 더해집니다. `padding_idx`로 정한
# 행(패딩 글자)은 기울기를 받지 않습니다.

# %%
show(embedding, embedding_backward)

# %% [markdown]
# torch 쌍둥이는 `torch.nn.Embedding`입니다. scratch 쌍둥이의 가중치를 `state_dict`로 옮긴 뒤, 같은 번호
# 배열을 넣고 같은 상류 기울기로 역전파합니다.

# %%
s_emb = snn.Embedding(6, 3, padding_idx=0, rng=rng)
t_emb = tnn.Embedding(6, 3, padding_idx=0, dtype=torch.float64)
load_numpy_state_dict(t_emb, s_emb.state_dict())
tokens = np.array([[2, 5, 5, 0], [1, 2, 5, 0]])  # 시퀀스 2개, 길이 4, 0번은 패딩
y = s_emb(tokens)
y_t = t_emb(torch.from_numpy(tokens))
assert_twin_close(y, y_t, "C4.3-embedding 출력")
g = np.ones_like(y)
s_emb.backward(g)
y_t.backward(to_torch(g))
assert_twin_close(s_emb.weight.grad, t_emb.weight.grad, "C4.3-embedding ∂E/∂W")
print("임베딩: 출력과 ∂E/∂W가 torch와 같습니다")

# %% [markdown]
# 상류 기울기가 모두 1이면, 각 행이 받은 기울기는 그 글자가 나온 횟수와 같습니다. 패딩(0번)은 두 번 나왔지만
# 기울기가 0입니다.

# %%
counts = np.bincount(tokens.ravel(), minlength=6)
fig, ax = plt.subplots(figsize=(6, 3))
ax.bar(np.arange(6) - 0.2, counts, width=0.4, color="lightgrey", label="글자가 나온 횟수")
ax.bar(np.arange(6) + 0.2, s_emb.weight.grad[:, 0], width=0.4, label="∂E/∂W[k]의 첫 성분 (scratch)")
ax.set(xlabel="글자 번호 k (0: 패딩)", ylabel="값", title="임베딩의 기울기는 행마다 더해진다")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# **연습.** `Embedding(5, 2, padding_idx=0)`에 번호 배열 `[[1, 4, 4, 4, 0]]`을 넣고, 모든 성분이 1인 상류
# 기울기로 역전파했습니다. ∂E/∂W[4]의 첫 성분은 얼마일까요?

# %%
답 = ...  # ∂E/∂W[4]의 첫 성분 (소수)
check(답, "C4.3-embedding/1", hint="같은 글자가 나온 자리의 기울기는 그 글자의 행에 모두 더해집니다")

# %% [markdown]
# ## C4.3-rnn — 순환 신경망과 시간 펼침 역전파 (노트 §4.3)
#
# 다층 퍼셉트론은 입력 하나를 받아 출력 하나를 냅니다. 순환 신경망은 시퀀스 x_1, …, x_T를 차례로 읽으면서,
# 지금까지 읽은 내용을 **은닉 상태**(hidden state) h에 담아 다음 단계로 넘깁니다.
#
#     h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)
#
# 모든 단계가 **같은 가중치** W_ih, W_hh를 씁니다. 편향은 torch처럼 두 개(b_ih, b_hh)입니다. 아래가 한 단계의
# 순전파와 역전파입니다.

# %%
show(rnn_cell, rnn_cell_backward)

# %% [markdown]
# 시간 방향으로 펼치면 순환 신경망은 가중치를 공유하는 깊은 신경망입니다. 그래서 역전파도 마지막 단계
# t = T에서 시작해 거꾸로 갑니다. 이것을 **시간 펼침 역전파**(backpropagation through time, BPTT)라고 합니다.
#
#     ∂E/∂h_t = (그 단계의 출력에서 오는 기울기) + (∂h_{t+1}/∂h_t)ᵀ ∂E/∂h_{t+1}
#
# W_ih와 W_hh는 모든 단계가 함께 쓰므로, ∂E/∂W는 단계마다 구한 기울기를 **모두 더한** 값입니다.
#
# torch 쌍둥이는 `torch.nn.RNN`입니다. 가중치의 이름과 모양(`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`,
# `bias_hh_l0`, 2층이면 `_l1`까지)이 같으므로 `state_dict`를 그대로 옮깁니다. 출력과, 무작위 상류 기울기에
# 대한 입력과 가중치의 기울기를 비교합니다.

# %%
s_rnn = snn.RNN(3, 4, num_layers=2, rng=rng)
t_rnn = tnn.RNN(3, 4, num_layers=2, dtype=torch.float64)
load_numpy_state_dict(t_rnn, s_rnn.state_dict())
x = rng.standard_normal((6, 2, 3))  # (시퀀스 길이 L, 배치 N, 입력 크기)
x_t = to_torch(x, requires_grad=True)
out, h_n = s_rnn(x)
out_t, h_n_t = t_rnn(x_t)
assert_twin_close(out, out_t, "C4.3-rnn 출력")
assert_twin_close(h_n, h_n_t, "C4.3-rnn 마지막 은닉 상태")
g = rng.standard_normal(out.shape)
grad_x, _ = s_rnn.backward(g)
out_t.backward(to_torch(g))
assert_twin_close(grad_x, x_t.grad, "C4.3-rnn ∂E/∂x")
for name, p in t_rnn.named_parameters():
    assert_twin_close(dict(s_rnn.named_parameters())[name].grad, p.grad, f"C4.3-rnn ∂E/∂{name}")
print("RNN: 출력, 마지막 은닉 상태, 입력과 가중치 8개의 기울기가 torch와 같습니다")

# %% [markdown]
# ∂h_{t+1}/∂h_t를 여러 번 곱하다 보면 §3.2.3의 **기울기 소실**이 시간 방향으로 다시 나타납니다. 은닉 크기 32,
# 시퀀스 길이 40인 tanh RNN에서 마지막 단계에서만 손실을 계산하고, ‖∂E/∂h_t‖를 단계마다 잽니다(시드 3개,
# `twin_nets/experiments/through_time.py`). 두 쌍둥이의 값이 단계마다 같은지도 확인합니다.

# %%
runs = [through_time.measure(seed) for seed in range(3)]
for r in runs:
    for model, twins in r.items():
        assert_twin_close(twins["scratch"], torch.from_numpy(twins["torch"]), f"{model} ‖∂E/∂h_t‖")
steps = np.arange(1, through_time.STEPS + 1)


def relative(model: str) -> np.ndarray:
    """(시드, 단계): ‖∂E/∂h_t‖ / ‖∂E/∂h_T‖"""
    return np.array([r[model]["scratch"] / r[model]["scratch"][-1] for r in runs])


rnn_curves = relative("rnn-tanh")
print(f"tanh RNN: ‖∂E/∂h_1‖ / ‖∂E/∂h_40‖ = {rnn_curves[:, 0].min():.1e} ~ {rnn_curves[:, 0].max():.1e}")
fig, ax = plt.subplots(figsize=(6.5, 3.5))
for curve in rnn_curves:
    ax.semilogy(steps, curve, color="tab:blue", alpha=0.7)
ax.set(
    xlabel="시간 단계 t",
    ylabel="‖∂E/∂h_t‖ (마지막 단계 = 1)",
    title="tanh RNN: 시간을 거슬러 가며 줄어드는 기울기",
)
plt.show()

# %% [markdown]
# **연습.** 1층 tanh RNN `RNN(3, 4)`(입력 크기 3, 은닉 크기 4, 편향 있음)의 가중치와 편향에는 모두 몇 개의
# 수가 들어 있을까요?

# %%
답 = ...  # 정수
check(답, "C4.3-rnn/1", hint="W_ih, W_hh, b_ih, b_hh의 모양을 위의 식에서 하나씩 읽어 보세요")

# %% [markdown]
# ## C4.3-lstm — 장단기 메모리 (LSTM) (노트 §4.3)
#
# **장단기 메모리**(long short-term memory, LSTM)는 은닉 상태 h 옆에 **셀 상태**(cell state) c를 따로 둡니다.
# 게이트 세 개가 0과 1 사이의 값으로 정보의 흐름을 조절합니다. 입력 게이트 i, **망각 게이트**(forget gate) f,
# 출력 게이트 o, 그리고 새 후보 g가 있습니다.
#
#     c_t = f ⊙ c_{t−1} + i ⊙ g,     h_t = o ⊙ tanh(c_t)
#
# 역전파에서 셀 상태를 따라 가는 길에서는 ∂E/∂c_t에 f만 곱해져 ∂E/∂c_{t−1}로 갑니다. 그래서 f가 1에 가까우면
# 기울기가 c를 따라 멀리까지 거의 줄지 않고 전해집니다.

# %%
show(lstm_cell, lstm_gates, lstm_cell_backward, lstm_gates_backward)

# %% [markdown]
# torch 쌍둥이는 `torch.nn.LSTM`이고, 가중치는 게이트 순서 i, f, g, o로 쌓여 있습니다(`weight_ih_l0`의 모양은
# (4H, 입력 크기)). 출력, 마지막 (h, c), 입력의 기울기를 비교합니다.

# %%
s_lstm = snn.LSTM(3, 4, rng=rng)
t_lstm = tnn.LSTM(3, 4, dtype=torch.float64)
load_numpy_state_dict(t_lstm, s_lstm.state_dict())
x_t = to_torch(x, requires_grad=True)
out, (h_n, c_n) = s_lstm(x)
out_t, (h_n_t, c_n_t) = t_lstm(x_t)
assert_twin_close(out, out_t, "C4.3-lstm 출력")
assert_twin_close(c_n, c_n_t, "C4.3-lstm 마지막 셀 상태")
g = rng.standard_normal(out.shape)
grad_x, _ = s_lstm.backward(g)
out_t.backward(to_torch(g))
assert_twin_close(grad_x, x_t.grad, "C4.3-lstm ∂E/∂x")
print("LSTM: 출력, 마지막 셀 상태, 입력의 기울기가 torch와 같습니다")

# %% [markdown]
# 앞의 실험을 LSTM으로 다시 합니다. torch의 기본 초기화(편향이 0 근처)에서는 망각 게이트가 처음에 σ(0) = 0.5
# 근처이므로 한 단계마다 c를 따라 가는 기울기도 절반쯤으로 줄어듭니다. 망각 게이트의 편향을 1로 두는 흔한
# 방법(Jozefowicz 외, 2015)과 비교합니다. 그래프는 시드 3개의 기하 평균입니다.

# %%
names = {
    "rnn-tanh": "tanh RNN",
    "lstm": "LSTM (torch 기본 초기화)",
    "lstm-forget-bias-1": "LSTM (망각 게이트 편향 1)",
}
fig, ax = plt.subplots(figsize=(6.5, 3.5))
for model, name in names.items():
    curves = relative(model)
    ax.semilogy(steps, np.exp(np.log(curves).mean(0)), label=name)
    print(f"{name}: ‖∂E/∂h_1‖ / ‖∂E/∂h_40‖ = {curves[:, 0].min():.1e} ~ {curves[:, 0].max():.1e}")
ax.set(xlabel="시간 단계 t", ylabel="‖∂E/∂h_t‖ (마지막 단계 = 1)", title="40 단계를 거슬러 간 기울기")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# 위에 출력된 비율을 보면, 기본 초기화의 LSTM에서도 40 단계 앞의 기울기는 마지막 단계보다 훨씬 작습니다. 망각
# 게이트의 편향을 1로 두면 같은 40 단계를 거슬러 가도 기울기가 더 크게 남습니다. 셀 상태라는 구조만으로는
# 부족하고, 망각 게이트가 열려 있어야 기울기가 멀리 갑니다.
#
# **연습.** LSTM의 모든 가중치와 편향이 0이고 x = 0, h = 0, c = 1일 때, 한 단계 뒤의 h'는 얼마일까요?

# %%
답 = ...  # h'의 값 (소수)
check(답, "C4.3-lstm/1", hint="게이트 i, f, o는 모두 σ(0), 후보 g는 tanh(0)입니다")

# %% [markdown]
# ### 첫 토큰 기억하기: 시퀀스 길이와 정확도
#
# 기울기가 시간을 거슬러 가며 작아지면 학습은 어떻게 될까요? 노트 §3.2.3은 층 방향의 기울기 소실을 이렇게
# 설명합니다. "시그모이드 함수를 한 번 통과할 때마다 [0, 0.25] 의 값이 계속해서 곱해지기 때문에 기울기가 점점
# 0 에 수렴해갈 것입니다. 따라서 (…) 학습이 멈추게 됩니다." 시간 방향에서도 그런지 과제 하나로 재 봅니다.
#
# 시퀀스의 첫 토큰은 기호 4개 중 하나이고, 그 뒤의 T − 1개는 다른 기호 4개에서 무작위로 뽑은 방해 토큰입니다.
# 모델은 마지막 은닉 상태 h_T만 보고 첫 토큰을 맞혀야 합니다. 답에 필요한 정보는 t = 1에만 들어오므로, 그것을
# 간직하도록 가르치는 기울기는 T − 1 단계를 거슬러 가야 합니다. 무작위로 찍으면 정확도는 1/4입니다. 모델은
# 순환 층 위에 선형 층을 하나 얹은 것이고, 역전파에서 ∂E/∂h_t는 t = T에만 들어갑니다.

# %%
show(LastStateClassifier.forward, LastStateClassifier.backward)

# %% [markdown]
# 두 쌍둥이를 같은 초기 가중치에서 같은 배치로 한 업데이트씩 나란히 학습시킵니다(Adam, 학습률 0.01, 배치 32,
# 기울기 클리핑 1, 업데이트 300번; `twin_nets/experiments/recall.py`). T = 5에서 LSTM 하나를 학습시켜 봅니다.

# %%
run = recall.train(recall.RecallSetting(), "lstm", 5, seed=0)
print(f"테스트 정확도: {run.accuracy}")
print(f"두 쌍둥이 가중치의 최대 차이: {run.weight_gap:.1e} (계약: {PAIRED_TRAINING_ATOL:g} 미만)")
assert run.weight_gap < PAIRED_TRAINING_ATOL and run.accuracy["scratch"] == run.accuracy["torch"]

# %% [markdown]
# 아래 그림은 T = 5, 10, 20, 40에서 세 모델을 시드 5개로 학습시킨 결과입니다. 60번의 학습을 두 쌍둥이로 하느라
# 몇 분 걸리므로(`scripts/figures.py --only sequences`), 여기서는 저장된 그림을 봅니다.

# %%
figure("C4.3-lstm-recall-accuracy")

# %% [markdown]
# 테스트 정확도, 시드 5개의 중앙값 (최솟값 ~ 최댓값)입니다. 두 쌍둥이의 값은 60번 모두 같습니다.
#
# | T | tanh RNN | LSTM (torch 기본 초기화) | LSTM (망각 게이트 편향 1) |
# | --- | --- | --- | --- |
# | 5 | 1.00 (1.00 ~ 1.00) | 1.00 (1.00 ~ 1.00) | 1.00 (1.00 ~ 1.00) |
# | 10 | 1.00 (0.46 ~ 1.00) | 1.00 (0.72 ~ 1.00) | 1.00 (1.00 ~ 1.00) |
# | 20 | 1.00 (1.00 ~ 1.00) | 0.23 (0.22 ~ 0.25) | 0.47 (0.46 ~ 1.00) |
# | 40 | 0.28 (0.25 ~ 0.87) | 0.24 (0.22 ~ 0.26) | 0.25 (0.23 ~ 0.27) |
#
# 1. T가 길어지면 세 모델 모두 무작위 추측 수준으로 떨어집니다. T = 40에서는 세 중앙값이 모두 1/4에서 0.03
#    안에 있습니다. 업데이트 300번으로는 40 단계 앞의 토큰을 간직하는 법을 배우지 못했습니다. 앞에서 잰 것처럼
#    40 단계를 거슬러 간 기울기는 마지막 단계보다 몇 자릿수 작습니다.
# 2. 이 학습 예산에서는 LSTM이 tanh RNN보다 낫지 않습니다. T = 20에서 tanh RNN은 시드 5개 모두 정확도
#    1.00인데, torch 기본 초기화의 LSTM은 시드 5개 모두 0.22 ~ 0.25로 무작위 추측 수준입니다. 망각 게이트
#    편향을 1로 두면 0.46 ~ 1.00으로 올라가지만 RNN에는 못 미칩니다. 셀 상태를 따라 기울기가 더 멀리 간다는
#    것(앞의 그래프)이 짧은 학습에서 더 긴 기억을 배운다는 보장은 아닙니다.
# 3. 두 쌍둥이의 가중치는 60번 가운데 58번에서 계약(최대 차이 1e-8 미만) 안에 있습니다. 나머지 두 번(LSTM
#    T = 10 시드 1: 0.09, 편향 1 LSTM T = 20 시드 0: 7e-7)은 학습이 반올림 오차를 키운 경우입니다. scratch
#    쌍둥이를 초기 가중치만 (1 + 10⁻¹⁵)배 해서 다시 학습시키면 자기 자신과도 그만큼 이상(0.094, 4e-6)
#    벌어집니다. 이런 학습에서는 반올림이 다른 두 구현이 같은 길을 따라갈 수 없습니다.

# %% [markdown]
# ## C4.3-gru — 게이트 순환 유닛 (GRU) (노트 §4.3)
#
# **게이트 순환 유닛**(gated recurrent unit, GRU)은 셀 상태 없이 게이트 두 개로 LSTM과 비슷한 일을 합니다.
# 리셋 게이트 r은 이전 은닉 상태를 후보 n에 얼마나 반영할지, 업데이트 게이트 z는 이전 은닉 상태를 얼마나
# 그대로 남길지 정합니다.
#
#     h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
#
# z가 1에 가까우면 h가 거의 그대로 다음 단계로 넘어가므로, LSTM의 망각 게이트와 같은 역할을 합니다. torch처럼
# r은 h_{t−1}이 아니라 W_hn h_{t−1} + b_hn에 곱합니다(아래 코드의 `Differs`).

# %%
show(gru_cell, gru_cell_backward)

# %% [markdown]
# torch 쌍둥이는 `torch.nn.GRU`입니다. 이번에는 가중치의 기울기까지 모두 비교합니다.

# %%
s_gru = snn.GRU(3, 4, rng=rng)
t_gru = tnn.GRU(3, 4, dtype=torch.float64)
load_numpy_state_dict(t_gru, s_gru.state_dict())
x_t = to_torch(x, requires_grad=True)
out, h_n = s_gru(x)
out_t, h_n_t = t_gru(x_t)
assert_twin_close(out, out_t, "C4.3-gru 출력")
g = rng.standard_normal(out.shape)
grad_x, _ = s_gru.backward(g)
out_t.backward(to_torch(g))
assert_twin_close(grad_x, x_t.grad, "C4.3-gru ∂E/∂x")
for name, p in t_gru.named_parameters():
    assert_twin_close(dict(s_gru.named_parameters())[name].grad, p.grad, f"C4.3-gru ∂E/∂{name}")
print("GRU: 출력, 입력과 가중치 4개의 기울기가 torch와 같습니다")

# %% [markdown]
# 그림은 배치의 첫 시퀀스에서 은닉 상태 네 성분이 단계마다 어떻게 바뀌는지 보여 줍니다. 선은 scratch 쌍둥이,
# 점은 torch 쌍둥이입니다.

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.2))
for k in range(4):
    (line,) = ax.plot(np.arange(1, 7), out[:, 0, k], label=f"h[{k}]")
    ax.plot(np.arange(1, 7), out_t.detach().numpy()[:, 0, k], "o", color=line.get_color(), ms=5)
ax.set(xlabel="시간 단계 t", ylabel="은닉 상태", title="GRU의 은닉 상태 (선: scratch, 점: torch)")
ax.legend(fontsize=8, ncol=4)
plt.show()

# %% [markdown]
# **연습.** 은닉 크기 H = 4인 GRU 한 층의 `weight_ih_l0`의 모양은 (?, 입력 크기)입니다. ?는 얼마일까요?

# %%
답 = ...  # 정수
check(답, "C4.3-gru/1", hint="LSTM은 i, f, g, o 네 블록을 쌓아 4H행이었습니다. GRU의 블록은 몇 개인가요?")

# %% [markdown]
# ## C3.2.3-clip-grad — 기울기 클리핑 (노트 §3.2.3)
#
# 노트 §3.2.3의 기울기 소실에는 반대쪽 문제가 있습니다. 1보다 큰 값을 여러 번 곱하면 기울기가 폭발합니다. 많은
# 단계로 펼친 순환 신경망에서 특히 자주 생깁니다. 흔한 처방은 **기울기 클리핑**(gradient clipping)입니다. 모든
# 매개변수의 기울기를 한 벡터로 보고 그 노름 ‖g‖가 max_norm보다 크면, 모든 기울기에 같은 수
# max_norm / ‖g‖를 곱합니다. 스텝의 방향은 그대로 두고 길이만 줄이는 것입니다. 노트에는 없는 내용입니다.

# %%
show(clip_grad_norm_)

# %% [markdown]
# torch 쌍둥이는 `torch.nn.utils.clip_grad_norm_`입니다. 앞의 2층 RNN에 큰 상류 기울기(×100)를 흘려 보낸 뒤,
# 두 쌍둥이가 max_norm = 1로 자릅니다. 반환값(자르기 전의 노름)과 잘린 기울기를 비교합니다.

# %%
for p in s_rnn.parameters():
    p.grad[...] = 0
t_rnn.zero_grad()
out, _ = s_rnn(x)
out_t, _ = t_rnn(to_torch(x))
g = 100 * rng.standard_normal(out.shape)
s_rnn.backward(g)
out_t.backward(to_torch(g))
before = {name: p.grad.copy() for name, p in s_rnn.named_parameters()}
s_norm = clip_grad_norm_(s_rnn.parameters(), max_norm=1.0)
t_norm = torch_clip_grad_norm_(t_rnn.parameters(), max_norm=1.0)
assert_twin_close(s_norm, t_norm, "C3.2.3-clip-grad 자르기 전의 노름")
for name, p in t_rnn.named_parameters():
    assert_twin_close(dict(s_rnn.named_parameters())[name].grad, p.grad, f"C3.2.3-clip-grad 잘린 ∂E/∂{name}")
after = np.sqrt(sum(np.sum(p.grad**2) for p in s_rnn.parameters()))
print(f"자르기 전 ‖g‖ = {float(s_norm):.1f}, 자른 뒤 ‖g‖ = {after:.6f} (두 쌍둥이가 같습니다)")

# %% [markdown]
# 그림은 매개변수마다 기울기의 노름을 자르기 전과 후로 보여 줍니다(로그 눈금). 모든 막대가 같은 비율로
# 줄어들므로 매개변수 사이의 비율, 곧 방향은 그대로입니다.

# %%
names_p = list(before)
fig, ax = plt.subplots(figsize=(7, 3.2))
ax.bar(np.arange(8) - 0.2, [np.linalg.norm(before[n]) for n in names_p], width=0.4, label="자르기 전")
ax.bar(
    np.arange(8) + 0.2,
    [np.linalg.norm(dict(s_rnn.named_parameters())[n].grad) for n in names_p],
    width=0.4,
    label="자른 뒤 (max_norm = 1)",
)
ax.set_yscale("log")
ax.set_xticks(np.arange(8), names_p, rotation=30, fontsize=7)
ax.set(ylabel="‖∂E/∂W‖", title="기울기 클리핑: 길이만 줄이고 방향은 그대로")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# **연습.** 매개변수 두 개의 기울기가 w.grad = (3, 4), b.grad = (12,)일 때
# `clip_grad_norm_([w, b], max_norm=1.0)`이 돌려주는 값(자르기 전의 노름)은 얼마일까요?

# %%
답 = ...  # 소수
check(답, "C3.2.3-clip-grad/1", hint="노름을 매개변수별로 더하지 말고, 모든 성분을 한 벡터로 보세요")

# %% [markdown]
# ## C4.3-layernorm-sequences — 시퀀스에서 배치 정규화와 레이어 정규화 (노트 §4.3)
#
# 노트 §4.3은 이렇게 말합니다.
#
# > "Sequence에 따라서 파라미터 크기가 달라질 수 있는 Batch Normalization과 다르게 Layer Normalization은
# > Sequence에 강건하기 때문에 RNN에 적용할 수 있는 방법입니다."
#
# 이 말을 직접 재 봅니다. LSTM의 순환 안, 게이트에 들어가기 전의 값에 정규화를 넣습니다(Ba 외, 2016의 레이어
# 정규화 LSTM). 한 번은 **배치 정규화**로, 한 번은 **레이어 정규화**로 넣습니다. 배치 정규화는 시간 단계마다
# 배치 전체로 평균과 분산을 구하고, 레이어 정규화는 시퀀스 하나의 4H개 값으로 구합니다.

# %%
show(NormalizedLSTM.forward)

# %% [markdown]
# torch 쌍둥이(`torch_impl/models/normalized_lstm.py`)는 `torch.nn.BatchNorm1d`와 `torch.nn.LayerNorm`으로
# 같은 모델을 만듭니다. 길이가 다른 시퀀스를 0으로 패딩한 한 배치에서 두 정규화 모두 출력이 같은지 봅니다.

# %%
batch = sequence_norm.padded(rng, [6, 8, 5, 7], sequence_norm.STEPS)
for norm in sequence_norm.NORMS:
    twins = sequence_norm.make_twins(norm, seed=0)
    with torch.no_grad():
        expected = twins["torch"](torch.from_numpy(batch))
    assert_twin_close(twins["scratch"](batch), expected, f"C4.3-layernorm-sequences ({norm}) 출력")
print("배치 정규화 LSTM과 레이어 정규화 LSTM 모두 출력이 torch와 같습니다")

# %% [markdown]
# 이제 노트의 주장을 잽니다(`twin_nets/experiments/sequence_norm.py`, 시드 5개). 길이 6인 시퀀스 A를 다른
# 시퀀스 세 개와 한 배치로 묶고, A의 출력이 다음 두 경우에 얼마나 바뀌는지 두 쌍둥이로 잽니다.
#
# 1. 같은 배치의 다른 시퀀스만 바꿀 때
# 2. 다른 시퀀스의 패딩만 바꿀 때(같은 시퀀스를 2 단계 뒤부터 0으로 채움)

# %%
gaps = sequence_norm.measure_seeds(range(5))
spread = {}
for norm, rows in gaps.items():
    for twin in sequence_norm.TWINS:
        spread[norm, twin] = np.array([[g[twin].batch_mates, g[twin].padding] for g in rows])
    mates, padding = spread[norm, "scratch"].T
    mates_range, padding_range = (
        f"{mates.min():.3g} ~ {mates.max():.3g}",
        f"{padding.min():.3g} ~ {padding.max():.3g}",
    )
    print(f"{norm:5s}: 다른 시퀀스 {mates_range}, 패딩 {padding_range}")
assert np.all(spread["layer", "scratch"] == 0) and np.all(spread["layer", "torch"] == 0)
assert np.all(spread["batch", "scratch"] > 0.1)

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.5))
labels = ["다른 시퀀스가 바뀔 때", "다른 시퀀스의 패딩만 바뀔 때"]
for k, (norm, name) in enumerate((("batch", "배치 정규화"), ("layer", "레이어 정규화"))):
    for j, twin in enumerate(sequence_norm.TWINS):
        values = spread[norm, twin]
        mean = values.mean(0)
        err = np.array([mean - values.min(0), values.max(0) - mean])
        where = np.arange(2) + (2 * k + j - 1.5) * 0.18
        ax.bar(where, mean, 0.18, yerr=err, label=f"{name} ({twin})")
        if norm == "layer":
            for position, value in zip(where, mean, strict=True):
                ax.text(position, 0.02, f"{value:g}", ha="center", fontsize=8)
ax.set_xticks(np.arange(2), labels)
ax.set(ylabel="시퀀스 A 출력의 최대 변화", title="시드 5개의 평균 (막대)과 범위 (오차 막대)")
ax.legend(fontsize=8, loc="upper left")
plt.show()

# %% [markdown]
# 레이어 정규화에서는 두 경우 모두 변화가 정확히 0입니다. 시퀀스 하나의 값만으로 평균과 분산을 구하기
# 때문입니다. 배치 정규화에서는 시간 단계마다 배치 전체(패딩된 0까지)로 통계를 구하므로, 다른 시퀀스나 그
# 패딩만 바뀌어도 A의 출력이 바뀝니다. 노트가 말한 "Sequence에 강건"은 이런 뜻으로 읽을 수 있고, 숫자도
# 그렇게 나옵니다.
#
# **연습.** 배치 정규화 LSTM에 두 시퀀스 [A, B]를 한 배치로 넣은 출력과, 같은 배치를 두 번 이어 붙인
# [A, B, A, B]를 넣은 출력을 학습 모드에서 비교합니다. A의 출력은 허용 오차 안에서 같을까요? (`True`/`False`)

# %%
답 = ...  # True 또는 False
check(답, "C4.3-layernorm-sequences/1", hint="단계마다 쓰는 평균과 분산이 달라지는지 생각해 보세요")

# %% [markdown]
# ### 학습보다 긴 시퀀스에서의 정확도
#
# 배치 정규화가 출력을 바꾼다면 정확도도 떨어질까요? 특히 학습 때 보지 못한 길이에서 그럴까요? 순환 안에 배치
# 정규화를 넣은 LSTM과 레이어 정규화를 넣은 LSTM에 선형 출력층을 하나씩 붙여 같은 과제를 학습시키고, 학습보다
# 긴 시퀀스로 테스트합니다(`twin_nets/experiments/sequence_length.py`).
#
# - **과제**: 토큰 1, 2, 3으로 된 시퀀스에 표식 토큰 0이 있었는지 맞히기. 절반의 시퀀스에만 표식이 한 번,
#   아무 자리에나 들어갑니다. 규칙이 길이와 상관없고, 어느 길이에서나 찍으면 50 %입니다.
# - **학습**: 길이 1–5의 시퀀스 32개를 0으로 패딩한 배치 150개, Adam. 각 시퀀스의 마지막 단계 h를 읽습니다.
# - **테스트**: 평가 모드(배치 정규화는 학습 때 모은 이동 평균 통계를 씀)에서 길이 5, 10, 20, 40인 시퀀스를
#   길이마다 500개씩. 배치 정규화는 테스트 배치 자체의 통계로도(학습 모드) 테스트합니다.
#
# 학습하려면 역전파가 필요합니다. 시간 펼침 역전파에 정규화의 역전파가 단계마다 끼어듭니다. 정규화 모듈 하나가
# 모든 단계에서 쓰이므로(W처럼 γ, β도 공유), 단계마다 따로 저장한 값으로 역전파를 부르고 기울기를 더합니다.

# %%
show(NormalizedLSTM.backward)

# %% [markdown]
# 두 쌍둥이를 같은 초기 가중치와 같은 배치로 나란히(lockstep) 학습시킵니다. 시드 5개, 모델 20개라서 몇십 초
# 걸립니다.

# %%
runs = sequence_length.train_and_test_seeds(range(5))
for norm, rows in runs.items():
    weight_gap = max(run.weight_diff for run in rows)
    median, low, high = sequence_length.spread(rows)
    cells = ", ".join(
        f"길이 {n}: {m:.3f} ({a:.3f}~{b:.3f})"
        for n, m, a, b in zip(sequence_length.TEST_LENGTHS, median, low, high, strict=True)
    )
    print(f"{norm:5s} 평가 모드 정확도 중앙값 (최소~최대) — {cells};  가중치 차이 최대 {weight_gap:.1e}")
    for run in rows:
        assert np.array_equal(run.accuracy["scratch"], run.accuracy["torch"])
    assert weight_gap < 1e-8
median, low, high = sequence_length.spread(runs["batch"], field="batch_stats")
cells = ", ".join(
    f"길이 {n}: {m:.3f} ({a:.3f}~{b:.3f})"
    for n, m, a, b in zip(sequence_length.TEST_LENGTHS, median, low, high, strict=True)
)
print(f"batch 테스트 배치의 통계 (학습 모드) 정확도 중앙값 (최소~최대) — {cells}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharey=True)
lengths = np.array(sequence_length.TEST_LENGTHS)
for ax, (norm, name) in zip(axes, (("batch", "배치 정규화"), ("layer", "레이어 정규화")), strict=True):
    for run in runs[norm]:
        ax.plot(lengths, run.accuracy["scratch"], color="gray", lw=1)
    ax.plot(lengths, sequence_length.spread(runs[norm])[0], "o-", lw=3, label="중앙값 (평가 모드)")
    if norm == "batch":
        batch_median = sequence_length.spread(runs[norm], field="batch_stats")[0]
        ax.plot(lengths, batch_median, "s--", lw=2, label="중앙값 (테스트 배치의 통계)")
    ax.set_xscale("log", base=2)
    ax.set_xticks(lengths, [str(n) for n in lengths])
    ax.set(title=name, xlabel="테스트 시퀀스 길이 (학습: 1–5)", ylim=(0.45, 1.03))
    ax.legend(loc="lower left")
axes[0].set_ylabel("정확도 (회색: 시드별)")
plt.show()

# %% [markdown]
# 숫자를 보면, 평가 모드에서는 **두 정규화 모두** 중앙값이 길이 40(학습 길이의 8배)까지 1.000입니다. 길이
# 40에서 정확도가 떨어진 시드는 배치 정규화가 둘(0.642, 0.724), 레이어 정규화가 하나(0.668, 다른 한 시드는
# 0.998)입니다. 중앙값이 같고 가장 나쁜 시드끼리도 0.03 차이라서, 시드 5개로는 평가 모드의 배치 정규화가 긴
# 시퀀스에서 정확도를 뚜렷이 더 잃는다고 말할 수 없습니다.
#
# 같은 배치 정규화 모델을 이동 평균 통계 대신 **테스트 배치 자체의 통계**로 테스트하면(학습 모드, 점선) 결과가
# 다릅니다. 길이 5에서는 모든 시드가 1.000인데, 길이 40에서는 모든 시드가 떨어집니다(중앙값 0.846, 최소~최대
# 0.778~0.966). 이때 각 단계의 평균과 분산은 테스트 배치가 그 단계에 담은 값으로 구합니다. 그런데 길이 40인
# 시퀀스의 배치는 학습 배치와 길이만 다른 것이 아닙니다. 6번째 이후 단계는 학습 때 없었고, 한 단계에 표식이
# 있는 시퀀스도 80개에 하나꼴로 훨씬 드뭅니다(길이 5에서는 10개에 하나, 학습 배치에서는 단계에 따라 평균
# 2~23 %). 배치 정규화의 출력이 정규화에 쓰는 배치에 따라 바뀐다는 앞의 결과가 여기서는 정확도로 나타난
# 것입니다.
#
# 그러면 평가 모드는 왜 괜찮을까요? 평가 모드의 배치 정규화는 특성마다 고정된 아핀 변환,
# N(z) = (γs) ⊙ z + (β − μγs)입니다(μ와 σ²는 이동 평균 통계, s = 1/√(σ² + eps)). 그래서 평가 모드의 배치
# 정규화 LSTM은 가중치를 diag(γs) W로 바꾸고 β − μγs를 편향에 더한 **보통 LSTM**과 같고, 그 안에는 시간
# 단계나 배치에 따라 달라지는 것이 없습니다. 직접 확인합니다.

# %%
trained = sequence_length.ScratchClassifier("batch", seed=1)
for x_b, labels_b, lengths_b in sequence_length.training_batches(1)[:5]:
    trained.step(x_b, labels_b, lengths_b)
trained.eval()
long_x = sequence_length.evaluation_sets(1)[40][0][:, :20]
plain_out, _ = sequence_length.plain_lstm_in_eval(trained.lstm)(long_x)
gap = np.max(np.abs(trained.lstm(long_x) - plain_out))
print(f"평가 모드 배치 정규화 LSTM과 보통 LSTM의 출력 차이 (길이 40): {gap:.1e}")
assert gap < 1e-12

# %% [markdown]
# 평가 모드에서 길이 40의 정확도가 가장 크게 떨어진 시드는 두 정규화에서 같은 시드 1입니다(초기 가중치와
# 배치가 같음). 정규화의 종류보다는, 길이 5까지만 보고 학습한 모델이 더 긴 시퀀스로 일반화하지 못한 쪽에
# 가깝습니다.
#
# 정리하면, 노트의 "Sequence에 강건"은 레이어 정규화에서 한 시퀀스의 출력과 기울기가 다른 시퀀스와 패딩에
# 따라 바뀌지 않는다는 뜻으로는 그대로 맞습니다. 학습보다 긴 시퀀스의 정확도로는, 배치 정규화가 테스트
# 배치의 통계를 쓸 때 약점이 드러났고, 이동 평균 통계를 쓰는 평가 모드에서는 이 과제와 설정에서 레이어
# 정규화와 뚜렷한 차이가 보이지 않았습니다.
#
# **연습.** 평가 모드(`eval()`)의 배치 정규화 LSTM에서, 시퀀스 A의 출력은 같은 배치의 다른 시퀀스가 바뀌면
# 달라질까요? (`True`/`False`)

# %%
답 = ...  # True 또는 False
check(답, "C4.3-layernorm-sequences/2", hint="평가 모드에서 평균과 분산은 어디에서 오나요?")

# %% [markdown]
# ## 문자 단위 언어 모델: 노트를 읽고 다음 글자를 맞히는 LSTM (C4.3-lstm)
#
# 지금까지 만든 임베딩, LSTM, 기울기 클리핑을 한데 모아 **문자 단위 언어 모델**(character-level language
# model)을 학습합니다. 읽을 글은 노트 자체입니다(`twin_nets/data/notes.txt`). 노트에 나오는 서로 다른 글자를
# 모두 모아 번호를 붙인 것이 **어휘**(vocabulary)이고, 그 크기를 V라고 합니다. 모델은 글자 번호 x_t를
# 임베딩 → LSTM → 선형 층에 차례로 통과시켜 어휘의 V개 글자마다 점수를 내고, 소프트맥스 함수로 바꾼 확률로
# 다음 글자 x_{t+1}을 맞힙니다. 손실 함수는 교차 엔트로피 오차이고, 역전파는 선형 층 → LSTM(시간 펼침
# 역전파) → 임베딩 순서로 갑니다.
#
# 노트의 앞 90 %로 학습하고, 마지막 10 %는 떼어 두었다가 평가에만 씁니다. 학습 데이터는 이어진 글자 조각이고,
# 정답은 같은 조각을 한 글자 뒤로 민 것입니다.

# %%
show(char_lm.CharLM, char_lm.train_step)

# %%
notes = charlm.notes_split(bptt=16)  # 16글자씩 자른 조각
_, _, vocab = charlm.load_text()
V = notes.num_classes
print(f"어휘 크기 V = {V}, 학습 조각 {len(notes.x_train)}개, 테스트 조각 {len(notes.x_test)}개")
print("입력:", repr("".join(vocab[k] for k in notes.x_train[3])))
print("정답:", repr("".join(vocab[k] for k in notes.y_train[3])))

# %% [markdown]
# 언어 모델은 **퍼플렉서티**(perplexity)로 평가합니다. 떼어 둔 글의 글자마다 잰 교차 엔트로피 오차의
# 평균을 E(자연로그)라 하면, 퍼플렉서티는 exp(E)입니다. 정답 글자에 준 확률을 p_1, …, p_n이라 하면
# exp(E) = exp(−(1/n) Σ ln p_k)이므로, 정답 글자에 준 확률의 기하 평균의 역수입니다. 어휘의 모든 글자에 같은
# 확률 1/V를 주는 모델은 E = ln V이므로 퍼플렉서티가 정확히 V이고, 언제나 정답을 확률 1로 맞히면 1입니다.
# 그래서 "모델이 글자마다 평균 몇 개의 글자 사이에서 망설이는가"로 읽을 수 있습니다.
#
# 두 쌍둥이를 같은 가중치로 만들고(torch 쌍둥이는 `torch_impl/models/char_lm.py`), 학습 전의 퍼플렉서티를
# 잽니다. 가중치가 작은 처음 모델은 모든 글자에 거의 같은 확률을 주므로 V 근처가 나옵니다.

# %%
s_lm = char_lm.CharLM(V, 16, 64, rng=rng)
t_lm = torch_char_lm.CharLM(V, 16, 64)
load_numpy_state_dict(t_lm, s_lm.state_dict())
s_ce, t_ce = snn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
test_t = [torch.from_numpy(a) for a in (notes.x_test, notes.y_test)]


def perplexities() -> tuple[float, float]:
    """떼어 둔 글의 퍼플렉서티 exp(E): (scratch, torch)"""
    e_scratch, _ = char_lm.evaluate(s_lm, s_ce, notes.x_test, notes.y_test)
    e_torch, _ = torch_char_lm.evaluate(t_lm, t_ce, *test_t)
    return np.exp(e_scratch), np.exp(e_torch)


before = perplexities()
assert_twin_close(before[0], torch.tensor(before[1]), "C4.3-lstm 학습 전 퍼플렉서티")
print(f"학습 전 퍼플렉서티: scratch {before[0]:.2f}, torch {before[1]:.2f} (V = {V})")

# %% [markdown]
# 이제 두 쌍둥이가 같은 배치로 20 스텝을 학습합니다. 옵티마이저는 Adam(학습률 0.003)이고, 스텝마다 모든
# 기울기를 한 벡터로 본 노름이 1보다 크면 1로 줄입니다(기울기 클리핑). 스텝마다 두 쌍둥이의 손실이 같은지
# 확인합니다.

# %%
s_adam = scratch.optim.Adam(s_lm.parameters(), lr=0.003)
t_adam = torch.optim.Adam(t_lm.parameters(), lr=0.003)
losses = {"scratch": [], "torch": []}
for _ in range(20):
    batch_ids = rng.choice(len(notes.x_train), size=16, replace=False)  # 두 쌍둥이에게 같은 배치
    xb, yb = notes.x_train[batch_ids], notes.y_train[batch_ids]
    loss, _ = char_lm.train_step(s_lm, s_ce, s_adam, xb, yb, max_norm=1.0)
    losses["scratch"].append(loss)
    xb_t, yb_t = torch.from_numpy(xb), torch.from_numpy(yb)
    loss, _ = torch_char_lm.train_step(t_lm, t_ce, t_adam, xb_t, yb_t, max_norm=1.0)
    losses["torch"].append(loss)
assert_twin_close(
    np.array(losses["scratch"]),
    torch.tensor(losses["torch"], dtype=torch.float64),
    "C4.3-lstm 손실",
    "trajectory",
)
after = perplexities()
assert_twin_close(after[0], torch.tensor(after[1]), "C4.3-lstm 20 스텝 뒤 퍼플렉서티")
print(f"20 스텝 뒤 퍼플렉서티: scratch {after[0]:.2f}, torch {after[1]:.2f}")

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.2))
ax.plot(np.arange(1, 21), losses["scratch"], label="scratch")
ax.plot(np.arange(1, 21), losses["torch"], "o", ms=4, label="torch")
ax.axhline(np.log(V), color="grey", ls="--", label=f"모든 글자에 같은 확률: ln V = {np.log(V):.2f}")
ax.set(xlabel="스텝", ylabel="교차 엔트로피 오차", title="노트를 읽는 문자 단위 언어 모델의 학습 손실")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# 학습한 모델로 글을 지을 수 있습니다. `노트`라는 두 글자를 넣고, 모델이 준 확률에 따라 다음 글자를 하나
# 뽑아 다시 넣기를 되풀이합니다. 글자를 뽑을 때는 0과 1 사이의 난수 u를 하나 받아, 어휘 순서로 확률을 더해
# 가다가 그 합이 처음으로 u 이상이 되는 글자를 고릅니다(`charlm.sample`). 두 쌍둥이에게 같은 난수를 주면,
# 확률이 같으므로 같은 글이 나와야 합니다.

# %%
show(charlm.sample)

# %%
draws = rng.random(40)  # 두 쌍둥이가 함께 쓰는 난수 40개
texts = {
    "scratch": charlm.sample(s_lm, vocab, charlm.PROMPT, draws),
    "torch": charlm.sample(t_lm, vocab, charlm.PROMPT, draws),
}
for twin, text in texts.items():
    print(f"{twin:7s}: {text!r}")
assert texts["scratch"] == texts["torch"]
print("같은 난수로 뽑은 두 쌍둥이의 글이 같습니다")

# %% [markdown]
# 20 스텝만 학습했으므로 아직 노트의 문장이 되지는 않습니다. 저장소의 루트 폴더에서 다음 명령을 실행하면 같은
# 구조의 더 큰 모델(임베딩 32, LSTM 128)을 노트의 학습 부분 전체로 20 에폭 학습합니다. 두 쌍둥이가 같은 배치로
# 학습하며 스텝마다 일치를 확인하고, 체크포인트와 `--resume`, TensorBoard(`test/perplexity`)도 다른 학습과
# 같습니다. 에폭마다 `test ppl` 열에 떼어 둔 글의 퍼플렉서티를 출력하고, 끝에서 두 쌍둥이가 같은 난수로 `노트`
# 뒤에 60글자를 지어 두 글이 같은지 알려 줍니다. 기울기 클리핑은 기본으로 노름 1입니다(`--clip-grad-norm`).
#
# ```bash
# .venv/bin/python scripts/train.py --task charlm --hidden 128 --embedding-dim 32 --bptt 32 \
#     --batch-size 32 --lr 0.003 --epochs 20
# ```
#
# **연습.** 떼어 둔 글이 두 글자뿐이고, 모델이 첫 글자의 정답에는 확률 1/2을, 둘째 글자의 정답에는 확률
# 1/8을 주었습니다. 이 모델의 퍼플렉서티는 얼마일까요?

# %%
답 = ...  # 소수
check(답, "C4.3-lstm/2", hint="두 글자의 교차 엔트로피 오차 −ln p를 평균한 뒤 exp를 취해 보세요")
