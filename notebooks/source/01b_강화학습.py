# %% [markdown]
# # 01b. 강화학습 (노트 §1.2–1.3)
#
# 노트 §1.2는 강화학습(reinforcement learning)을 이렇게 설명합니다.
#
# > 강화학습이란 정답은 모르지만, 자신이 한 행동에 대한 "보상"을 알 수 있어서 그로부터 학습을 하는
# > 모델입니다. 강화학습은 시행착오를 통해 보상하는 행동을 학습합니다. 최적의 값을 추구하기 위해 당근과
# > 채찍을 사용한다고 생각하시면 됩니다.
#
# §1.3은 강화학습에서 딥러닝을 쓰는 대표 사례로 "Deep Q-Network(DQN) 알고리즘과 알파고의 학습 원리인
# REINFORCE 알고리즘"을 듭니다. 이 노트북은 두 알고리즘을 두 쌍둥이(scratch와 torch)로 구현해, gymnasium의
# `CartPole-v1` **환경**(environment)에서 학습시킵니다. 수레 위에 세운 막대가 쓰러지지 않게 수레를 좌우로
# 미는 과제입니다.
#
# - **에이전트**(agent)는 매 스텝 수레를 왼쪽(행동 0) 또는 오른쪽(행동 1)으로 밉니다. 이것이
#   **행동**(action)입니다.
# - 환경은 수레의 위치와 속도, 막대의 각도와 각속도, 네 개의 수를 **상태**(state)로 알려 줍니다.
# - 막대가 서 있는 동안 매 스텝 **보상**(reward) 1을 줍니다. 막대가 쓰러지거나 수레가 화면 밖으로 나가면
#   **에피소드**(episode)가 끝나고, 500 스텝을 버티면 시간 제한으로 끝납니다. 그래서 한 에피소드의 보상 합은
#   버틴 스텝 수입니다.
# - **정책**(policy) π(a|s)는 상태 s에서 행동 a를 고를 확률입니다.
#
# 어느 쪽으로 밀어야 맞는지는 아무도 알려 주지 않습니다. 에이전트가 아는 것은 보상뿐입니다. 지도학습과
# 다른 점이 바로 여기입니다.
#
# 절마다 순서는 같습니다: 노트의 내용 → scratch 쌍둥이의 코드 → torch 쌍둥이 → 두 쌍둥이가 같다는 확인 →
# 그림 → 연습문제.

# %%
import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Image

from scratch import nn as snn
from scratch.rl import dqn as sdqn
from scratch.rl import reinforce as sreinforce
from torch_impl import nn as tnn
from torch_impl.rl import dqn as tdqn
from torch_impl.rl import reinforce as treinforce
from twin_nets.contract import PAIRED_TRAINING_ATOL
from twin_nets.kit import kit
from twin_nets.notebooks import check, figure, show, start
from twin_nets.parity import assert_twin_close, to_torch
from twin_nets.rl.config import RLConfig
from twin_nets.rl.paired import build_agent, initial_weights, make_env, network, run

ROOT = start()

# %% [markdown]
# ## C1.2-reinforce — 강화학습: REINFORCE (노트 §1.2, §1.3)
#
# 먼저 아무것도 배우지 않은 에이전트가 얼마나 버티는지 봅니다. 동전을 던져 행동을 고릅니다.

# %%
env = make_env()
rng = np.random.default_rng(0)
random_returns = []
for _ in range(100):
    obs, _ = env.reset(seed=int(rng.integers(2**31)))
    total, done = 0.0, False
    while not done:
        obs, reward, terminated, truncated, _ = env.step(int(rng.integers(2)))
        total += reward
        done = terminated or truncated
    random_returns.append(total)
print("상태의 모양:", obs.shape, "  무작위 정책의 평균 보상:", np.mean(random_returns))
print("해결 기준:", env.spec.reward_threshold, "  에피소드의 최대 길이:", env.spec.max_episode_steps)
assert obs.shape == (4,) and 15 < np.mean(random_returns) < 30

# %% [markdown]
# 무작위로 밀면 평균 20여 스텝 만에 막대가 쓰러집니다. `CartPole-v1`은 최근 100 에피소드의 평균 보상이
# 475 이상이면 풀었다고 봅니다(`env.spec.reward_threshold`).
#
# **REINFORCE**는 노트의 "당근과 채찍"을 그대로 식으로 옮긴 알고리즘입니다. 정책은 작은 다층 퍼셉트론입니다.
# 상태 4개를 받아 행동 2개의 점수(logits) z를 내고, 소프트맥스 함수가 확률 π로 바꿉니다. 에이전트는 π에 따라
# 행동을 뽑아 한 에피소드를 끝까지 해 본 뒤,
#
# 1. 각 스텝 t부터 끝까지 받은 보상을 **할인율**(discount factor) γ로 줄여 더한 **리턴**(return)
#    G_t = r_t + γ r_{t+1} + γ² r_{t+2} + … 을 뒤에서부터 G_t = r_t + γ G_{t+1}로 계산하고,
# 2. 리턴의 평균인 **기준값**(baseline) b를 빼서 A_t = G_t − b가 양수(평소보다 좋았다: 당근)인지
#    음수(나빴다: 채찍)인지 보고,
# 3. 손실 함수 E = −Σ_t log π(a_t|s_t) · A_t를 줄이는 방향으로 가중치를 한 번 고칩니다.
#
# 당근을 받은 행동은 더 자주, 채찍을 받은 행동은 덜 자주 고르게 됩니다. 프로젝트의 학습에서는 A_t를 리턴의
# 표준편차로도 나눕니다(`normalize`). scratch 쌍둥이의 코드입니다. 역전파의 시작인 ∂E/∂z를 손으로 썼습니다.

# %%
show(sreinforce.returns_to_go, sreinforce.reinforce_loss, sreinforce.reinforce_loss_backward)

# %% [markdown]
# 부호를 숫자로 확인해 봅시다. 두 행동의 점수가 같은(z = 0, π = (0.5, 0.5)) 상태에서 행동 0을 했고 결과가
# 평소보다 좋았다면(A = 1), ∂E/∂z = (π − onehot(a))·A = (0.5 − 1, 0.5)·1 = (−0.5, 0.5)입니다. 경사 하강법은
# 가중치에서 기울기를 빼므로 z₀은 올라가고 z₁은 내려갑니다. 방금 한 행동이 더 그럴듯해집니다.

# %%
E, cache = sreinforce.reinforce_loss(np.zeros((1, 2)), np.array([0]), np.array([1.0]))
grad = sreinforce.reinforce_loss_backward(cache)
print("E =", float(E), "  ∂E/∂z =", grad)
assert np.allclose(grad, [[-0.5, 0.5]]) and np.isclose(float(E), np.log(2))

# %% [markdown]
# torch 쌍둥이는 같은 손실을 `torch.log_softmax`와 `gather`로 쓰고, 기울기는 autograd에 맡깁니다.

# %%
show(treinforce.ReinforceAgent.update)

# %% [markdown]
# 두 쌍둥이가 같다는 증거는 두 가지입니다. 하나, 손으로 쓴 ∂E/∂z가 autograd의 기울기와 허용 오차 안에서
# 같습니다(임의의 점수, 행동, A).

# %%
rng = np.random.default_rng(1)
z, a, A = rng.standard_normal((5, 2)), rng.integers(0, 2, 5), rng.standard_normal(5)
_, cache = sreinforce.reinforce_loss(z, a, A)
z_t = to_torch(z, requires_grad=True)
E_t = -(torch.log_softmax(z_t, 1).gather(1, torch.from_numpy(a)[:, None])[:, 0] * to_torch(A)).sum()
E_t.backward()
assert_twin_close(sreinforce.reinforce_loss_backward(cache), z_t.grad, "C1.2-reinforce: ∂E/∂z")
print("손으로 쓴 ∂E/∂z와 autograd의 기울기가 같습니다")

# %% [markdown]
# 둘, 학습 전체가 같습니다. 강화학습에는 무작위가 많습니다. 초기 가중치, 에피소드마다 환경의 seed, π에서
# 행동을 뽑는 난수. **짝지은 실행**(paired run, `twin_nets.rl.paired.run`)은 이 난수를 NumPy 생성기 하나에서
# 한 번씩만 뽑아 두 쌍둥이에게 똑같이 줍니다. 두 쌍둥이의 확률이 같은 한 행동도 같고, 같은 에피소드를
# 겪습니다. 에피소드마다 업데이트 뒤 두 쌍둥이의 가중치 차이를 잽니다(`max_weight_diff`). 난수가 반올림
# 오차만큼 다른 두 확률 사이에 떨어져 행동이 갈리면 숨기지 않고 셉니다(`splits`). 그때 실행은 **갈라집니다**
# (`result.fork`). 그 스텝부터 두 쌍둥이는 환경과 난수 생성기를 하나씩 복사해 가지고 각자 자기 행동으로
# 혼자 학습을 이어 갑니다. 그래서 갈라진 뒤 한 쌍둥이의 실행은 같은 seed로 그 쌍둥이 혼자 돌린 실행과
# 비트 하나까지 같습니다(`parity_tests/rl/test_paired.py`가 확인합니다).

# %%
result = run(RLConfig.for_algorithm("reinforce", seed=2, episodes=60))
p = result.pairing
print(f"스텝 {p.steps}, 갈린 행동 {p.splits}, 가중치의 가장 큰 차이 {p.max_weight_diff:.1e}")
assert result.fork is None and p.splits == 0 and p.max_weight_diff < PAIRED_TRAINING_ATOL
first, last = np.mean(result.returns[:15]), np.mean(result.returns[-15:])
print(f"처음 15 에피소드의 평균 보상 {first:.1f} → 마지막 15 에피소드 {last:.1f}")
assert last > 2 * first

# %% [markdown]
# 60 에피소드 동안 두 쌍둥이는 한 번도 다른 행동을 고르지 않았고, 보상도 벌써 늘고 있습니다. 학습을 오래
# 계속할 때 두 쌍둥이의 차이가 어떻게 자라는지는 `python -m twin_nets.rl.drift`로 직접 볼 수 있습니다. 같은
# 쌍둥이를 두 벌 만들어 가중치 하나만 1e-15(상대값)만큼 바꾸고 같은 에피소드로 학습시켜, 25 에피소드마다
# 가중치의 가장 큰 차이를 출력합니다. 그 차이가 두 쌍둥이 사이의 차이와 같은 속도로 자란다면, 자라는 원인은
# 쌍둥이의 불일치가 아니라 학습이 작은 반올림 오차를 키우는 것입니다.
#
# 아래 그림의 왼쪽은 `scripts/rl.py --algorithm both --seeds 0 --outdir docs/figures/rl`가 그린 긴 실행(해결할
# 때까지)입니다(오른쪽의 DQN은 다음 절에서 다룹니다). 점은 에피소드마다의 보상, 선은 최근 100 에피소드의
# 평균, 초록 점선은 해결 기준 475입니다.
# 긴 실행에서는 학습이 반올림 오차를 키워, 100–200여 에피소드 뒤에는 두 쌍둥이의 확률 사이에 난수가
# 떨어집니다. 회색 세로 점선이 실행이 갈라진 에피소드입니다. 그 뒤의 파란 선(scratch)과 주황 선(torch)은 각
# 쌍둥이가 혼자 이어 간 학습이고, 각자 자기가 고른 행동으로만 배웁니다. REINFORCE는 지금의 정책이 고른
# 행동으로 기울기를 구하는 알고리즘(on-policy)이라 이 점이 중요합니다. 그래서 두 쌍둥이가 같다는 증거는 위의
# 짧은 실행이고, 이 그림은 두 쌍둥이가 각자 CartPole을 푼다는 것을 보여 줍니다.
#
# 해결까지 걸린 에피소드 수는 seed마다 크게 다릅니다. 그래서 하나의 수가 아니라 퍼짐으로 적습니다.
# `python scripts/rl.py --algorithm reinforce --seeds 0 1 2 3 4 --no-tensorboard`로 seed 0–4를 돌린
# 결과입니다(최근 100 에피소드의 평균 보상이 처음 475 이상이 된 에피소드).
#
# | 쌍둥이 | 해결한 seed | 최소 | 중앙값 | 최대 |
# | --- | --- | --- | --- | --- |
# | scratch | 5개 중 5개 | 331 | 552 | 1135 |
# | torch | 5개 중 5개 | 273 | 818 | 949 |
#
# 다섯 실행 모두 130–218번째 에피소드에서 갈라졌고, 갈라지기 전 두 쌍둥이의 가중치 차이는 가장 클 때
# 1.4e-3이었습니다. 100번째 에피소드까지는 다섯 seed 모두 허용 오차 1e-8 안(가장 큰 값 9e-10)이었습니다.

# %%
figure("rl/C1.2-rl-returns")

# %% [markdown]
# 학습을 마친 정책이 막대를 세우는 모습입니다(gymnasium의 `rgb_array` 렌더링을 GIF로 저장한 것).

# %%
Image(filename=str(ROOT / "docs" / "figures" / "rl" / "C1.2-reinforce-cartpole.gif"))

# %% [markdown]
# > **노트 바로잡기.** 노트 §1.3은 REINFORCE를 "알파고의 학습 원리"라고 부릅니다. REINFORCE는 알파고가
# > 배운 여러 단계 가운데 하나입니다. 알파고의 논문(Silver 외, "Mastering the game of Go with deep neural
# > networks and tree search", *Nature* 529, 2016)에 따르면 정책 신경망은 먼저 사람 기사의 기보로 다음 수를
# > 맞히는 **지도학습**으로 배우고, 그다음 자신의 이전 버전과 둔 대국의 승패를 보상으로 삼아 REINFORCE(정책
# > 기울기)로 더 배웁니다. 그 대국의 결과로 국면의 승률을 예측하는 가치 신경망을 회귀로 학습하고, 실제로 둘
# > 때는 정책 신경망과 가치 신경망을 몬테카를로 트리 탐색(MCTS)과 함께 씁니다. 그러니 "알파고의 학습 원리"는
# > 지도학습 + REINFORCE + 가치 신경망 + 트리 탐색이고, REINFORCE는 그 가운데 강화학습 단계입니다. (후속작
# > 알파고 제로(2017)는 기보 없이 배우지만, REINFORCE 대신 트리 탐색이 찾은 수의 분포를 정책이 따라 하도록
# > 학습합니다.) 이 노트북의 CartPole 에이전트가 쓰는 것은 그 강화학습 단계의 알고리즘입니다.
#
# **연습문제 1.** 보상이 [1, 1, 1]이고 γ = 0.5인 에피소드에서 첫 스텝의 리턴 G_0은 얼마일까요?

# %%
답 = ...  # 보상 [1, 1, 1], γ = 0.5일 때 G_0
check(답, "C1.2-reinforce/1", hint="마지막 스텝부터 거꾸로, G_t = r_t + γ G_{t+1}로 계산해 보세요")

# %% [markdown]
# **연습문제 2.** 두 행동의 점수가 같은(z = 0) 상태에서 행동 1을 했고 A = 2였습니다. ∂E/∂z를 길이 2의
# 배열로 답하세요. 경사 하강법 한 번 뒤에 z₁은 올라갈까요, 내려갈까요?

# %%
답 = ...  # z = (0, 0), 행동 1, A = 2일 때 ∂E/∂z
check(답, "C1.2-reinforce/2", hint="(π − onehot(a))·A에서 π와 onehot(a)를 먼저 적어 보세요")

# %% [markdown]
# ## C1.2-dqn — 강화학습: DQN (노트 §1.3)
#
# DQN(Deep Q-Network)의 신경망은 행동의 확률 대신 **Q값**(Q-value)을 냅니다. Q(s, a)는 상태 s에서 행동 a를
# 하고 그 뒤로 잘 행동했을 때 받을 리턴의 예측입니다. 에이전트는 대개 Q값이 가장 큰 행동을 하고, 확률 ε로는
# 무작위 행동을 합니다. 이것이 **ε-탐욕 정책**(ε-greedy)이고, ε는 처음 8000 스텝 동안 1에서 0으로 고르게
# 줄어듭니다. 처음에는 많이 탐험하고, 그 뒤로는 늘 Q값이 가장 큰 행동을 해서 배운 것만 씁니다.
#
# 학습에는 두 가지 장치가 더 있습니다.
#
# - **경험 재생**(replay buffer): 겪은 전이 (s, a, r, s′, 끝남)를 버퍼에 모아 두었다가 무작위로 뽑은
#   미니배치로 학습합니다. 연달아 겪은 비슷한 전이만으로 학습하지 않게 됩니다.
# - **타깃 네트워크**(target network): 목표값 **TD 목표값**(TD target) y = r + γ max_a′ Q_target(s′, a′)을
#   계산하는 Q 신경망의 복사본입니다. C번 업데이트마다 한 번만 복사해, 배우는 동안 목표가 흔들리지 않습니다.
#   에피소드가 끝난 전이는 그 뒤가 없으므로 y = r입니다.
#
# 이 프로젝트의 기본 설정은 두 가지를 더합니다.
#
# - **더블 DQN**(Double DQN): 오차가 섞인 Q값들의 max는 평균적으로 참값의 max보다 크기 쉬워서(max의 기댓값 ≥
#   기댓값의 max), TD 목표값이 부풀려집니다. 더블 DQN에서는 다음 행동 a* = argmax_a′ Q(s′, a′)를 학습 중인
#   Q 신경망이 고르고, 그 행동의 값은 타깃 네트워크가 매깁니다: y = r + γ Q_target(s′, a*).
# - **학습률 스케줄**(learning-rate schedule): 학습률이 업데이트 5만 번(환경의 스텝으로 약 10만)에 걸쳐
#   2.3e-3에서 0으로 고르게 줄어듭니다. 그 뒤로는 가중치가 움직이지 않아, 에이전트는 그때까지 배운 정책
#   그대로 행동합니다. scratch의 `lr_scheduler.LambdaLR`은 torch의 `torch.optim.lr_scheduler.LambdaLR`과
#   같은 규칙(k번 `step()` 뒤의 학습률 = 처음 학습률 × λ(k))을 따릅니다.
#
# 손실 함수는 한 행동의 Q(s, a)와 y 사이의 Huber 손실입니다(이 노트북의 마지막 절). Adam으로 한 걸음
# 가기 전에, 모든 가중치의 기울기를 한 벡터로 본 노름이 10을 넘으면 10이 되도록 줄입니다(**기울기
# 클리핑**, `max_grad_norm`). scratch 쌍둥이의 코드입니다. 고른 행동의 Q값에만 기울기가 흐르도록 ∂E/∂Q를
# 손으로 만듭니다.

# %%
show(sdqn.td_targets, sdqn.DQNAgent.update)

# %% [markdown]
# torch 쌍둥이는 고른 행동의 Q값을 `gather`로 꺼내고 `torch.nn.HuberLoss`를 쓰며, 기울기는 autograd가
# 구합니다.

# %%
show(tdqn.DQNAgent.update)

# %% [markdown]
# 두 쌍둥이가 같다는 확인입니다. 같은 초기 가중치의 두 에이전트가 같은 전이를 경험 재생 버퍼에 담고, 같은
# 인덱스로 뽑은 미니배치로 한 번 업데이트한 뒤, Q 신경망의 모든 가중치를 비교합니다.

# %%
config = RLConfig.for_algorithm("dqn", seed=0)
weights = initial_weights(config, np.random.default_rng(0))
s_agent = build_agent(kit("scratch"), config, weights)
t_agent = build_agent(kit("torch"), config, weights)
rng = np.random.default_rng(3)
for _ in range(64):  # 64 transitions (s, a, r, s′, 끝남) in both twins' replay buffers
    s, s_next = rng.standard_normal(4), rng.standard_normal(4)
    transition = (s, int(rng.integers(2)), 1.0, s_next, rng.random() < 0.1)
    s_agent.buffer.push(*transition)
    t_agent.buffer.push(*transition)
indices = rng.integers(0, 64, size=32)  # one mini-batch, the same for both
s_loss = s_agent.update(s_agent.buffer.sample(indices))
t_loss = t_agent.update(t_agent.buffer.sample(indices))
for key, value in network(t_agent).state_dict().items():
    assert_twin_close(network(s_agent).state_dict()[key], value, f"C1.2-dqn: {key} after one update")
print(f"손실 함수의 값: scratch {s_loss:.6f}, torch {t_loss:.6f}; 업데이트 뒤 가중치가 모두 같습니다")

# %% [markdown]
# 짝지은 실행으로 짧게 학습해 봅니다. ε-탐욕의 난수와 경험 재생의 인덱스도 생성기 하나에서 뽑아 두 쌍둥이에게
# 똑같이 줍니다. 처음 200 스텝은 버퍼를 채우기만 하고(`warmup`), 그 뒤로 두 스텝마다 한 번
# 업데이트합니다(`train_every`).

# %%
short = dataclasses.replace(RLConfig.for_algorithm("dqn", seed=0, episodes=15), warmup=200)
dqn_result = run(short)
p = dqn_result.pairing
print(f"스텝 {p.steps}, 갈린 행동 {p.splits}, 가중치의 가장 큰 차이 {p.max_weight_diff:.1e}")
print(f"마지막 에피소드가 끝났을 때의 ε: {dqn_result.epsilons[-1]:.3f}")
assert p.splits == 0 and p.max_weight_diff < PAIRED_TRAINING_ATOL and dqn_result.epsilons[-1] > 0.9

fig, (ax_return, ax_eps) = plt.subplots(1, 2, figsize=(9, 3))
episodes = np.arange(1, len(dqn_result.returns) + 1)
ax_return.plot(episodes, dqn_result.returns, "o-")
ax_return.set(xlabel="에피소드", ylabel="보상의 합", title="DQN의 처음 15 에피소드")
ax_eps.plot(episodes, dqn_result.epsilons, "o-", color="tab:orange")
ax_eps.set(xlabel="에피소드", ylabel="ε", title="ε-탐욕 정책의 ε (에피소드 끝)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ε는 환경의 스텝 수에 따라 줄어들기 때문에, 15 에피소드로는 ε가 아직 1에 가까워 에이전트가 거의 무작위로
# 움직입니다. DQN을 해결할 때까지 학습시키려면 `python scripts/rl.py --algorithm dqn --seeds 0`을 실행합니다
# (`--algorithm both`는 REINFORCE와 DQN의 그림을 함께 그립니다). REINFORCE 절 그림의 오른쪽이 그렇게 돌린
# seed 0의 긴 실행이고, 아래는 학습을 마친 DQN 에이전트가 막대를 세우는 모습입니다.

# %%
Image(filename=str(ROOT / "docs" / "figures" / "rl" / "C1.2-dqn-cartpole.gif"))

# %% [markdown]
# `python scripts/rl.py --algorithm dqn --seeds 0 1 2 3 4 --no-tensorboard`로 seed 0–4를 돌린 결과입니다
# (최근 100 에피소드의 평균 보상이 처음 475 이상이 된 에피소드).
#
# | 쌍둥이 | 해결한 seed | 최소 | 중앙값 | 최대 |
# | --- | --- | --- | --- | --- |
# | scratch | 5개 중 5개 | 580 | 684 | 737 |
# | torch | 5개 중 5개 | 552 | 678 | 718 |
#
# 다섯 실행 모두 225–331번째 에피소드에서 갈라졌고, 갈라지기 전 두 쌍둥이의 가중치 차이는 가장 클 때
# 2.5e-2였습니다. 200번째 에피소드까지는 다섯 seed 모두 허용 오차 1e-8 안(가장 큰 값 2.7e-10)이었습니다.
#
# > **이 설정을 찾기까지.** rl-baselines3-zoo가 `CartPole-v1`의 DQN에 쓰는 값(은닉층 256, 256, 학습률
# > 2.3e-3, 버퍼 10만 개, ε는 8000 스텝 동안 0.04까지)만으로는 풀지 못했습니다. seed 0을 scratch 쌍둥이 혼자
# > 학습시키면 최근 100 에피소드의 평균 보상이 480번째 에피소드에 402까지 올랐다가 다시 떨어졌습니다. 더블
# > DQN을 쓰고 학습률을 줄여도 ε를 0.04에 두면, seed 0과 1에서 700 에피소드 안에 가장 높은 평균이
# > 417–469였습니다. ε까지 0으로 줄이자 풀렸습니다. 학습률을 업데이트 2만 5천 번 만에 0으로 줄이면
# > seed 0–3은 더 일찍(scratch: 428–478번째 에피소드) 풀었지만, seed 4는 평균 보상이 약 190인 정책에서
# > 가중치가 멈춰 1500 에피소드 안에 풀지 못했습니다. 학습이 너무 일찍 멈추면, 그때까지 좋은 정책을 찾지 못한
# > seed는 그 자리에 머뭅니다. 그래서 기본값은 5만 번입니다.
#
# **연습문제 1.** r = 1, γ = 0.9이고, 타깃 네트워크가 다음 상태 s′에서 낸 Q값이 (10, 4)입니다. 에피소드가
# 끝나지 않았을 때 TD 목표값 y는 얼마일까요?

# %%
답 = ...  # r = 1, γ = 0.9, Q_target(s′, ·) = (10, 4), 끝나지 않음: y
check(답, "C1.2-dqn/1", hint="y = r + γ max_a′ Q_target(s′, a′)에서 max가 고르는 값을 먼저 찾으세요")

# %% [markdown]
# **연습문제 2.** 같은 전이에서 막대가 쓰러져 에피소드가 끝났다면(끝남 = 1) y는 얼마일까요?

# %%
답 = ...  # 위와 같은 전이, 에피소드가 끝났을 때 y
check(답, "C1.2-dqn/2", hint="에피소드가 끝나면 그 뒤에 받을 보상이 없습니다")

# %% [markdown]
# **연습문제 3.** 연습문제 1의 전이(r = 1, γ = 0.9, 끝나지 않음, Q_target(s′, ·) = (10, 4))에서, 학습 중인
# Q 신경망이 s′에서 낸 Q값은 (1, 3)입니다. 더블 DQN의 TD 목표값 y는 얼마일까요?

# %%
답 = ...  # Q(s′, ·) = (1, 3), Q_target(s′, ·) = (10, 4): 더블 DQN의 y
check(답, "C1.2-dqn/3", hint="a*는 Q 신경망이 고르고, 그 a*의 값은 타깃 네트워크에서 읽습니다")

# %% [markdown]
# ## C3.1.2-huber — 손실 함수: Huber 손실 (노트 §3.1.2 보충)
#
# 노트 §3.1.2가 다루는 회귀의 손실 함수는 평균 제곱 오차입니다. 오차 d = ŷ − y가 커지면 손실은 d²으로,
# 기울기는 2d로 한없이 커집니다. DQN의 TD 오차는 학습 초기에 크게 튀기 쉬워서, 이런 오차 하나가 가중치를 크게
# 흔듭니다. 노트에는 없는 **Huber 손실**(Huber loss)은 |d| < δ에서는 ½d²(제곱), 그 밖에서는 δ(|d| − ½δ)(직선)
# 입니다. 기울기는 clip(d, −δ, δ)여서 δ를 넘지 않습니다. scratch 쌍둥이의 코드입니다.

# %%
show(snn.HuberLoss, snn.functional.loss.huber_loss, snn.functional.loss.huber_loss_backward)

# %% [markdown]
# torch 쌍둥이는 `torch.nn.HuberLoss`를 그대로 씁니다(`torch_impl.nn.HuberLoss`). 여러 오차와 δ에서 값과
# 기울기를 비교합니다.

# %%
rng = np.random.default_rng(4)
prediction, target = 3 * rng.standard_normal(20), rng.standard_normal(20)
for delta in (0.5, 1.0, 2.0):
    s_huber = snn.HuberLoss(delta=delta)
    value = s_huber(prediction, target)
    grad = s_huber.backward()
    prediction_t = to_torch(prediction, requires_grad=True)
    value_t = tnn.HuberLoss(delta=delta)(prediction_t, to_torch(target))
    value_t.backward()
    assert_twin_close(value, value_t, f"C3.1.2-huber: value, delta={delta}")
    assert_twin_close(grad, prediction_t.grad, f"C3.1.2-huber: gradient, delta={delta}")
print("δ = 0.5, 1, 2에서 두 쌍둥이의 값과 기울기가 같습니다")

# %% [markdown]
# 그림으로 평균 제곱 오차와 비교합니다(`scripts/figures.py --only losses`가 두 쌍둥이로 그린 그림). 왼쪽은
# 손실, 오른쪽은 ŷ에 대한 미분입니다. 오차 d = ŷ − y가 |d| < 1이면 Huber 손실(δ = 1)은 ½d²이고, |d| ≥ 1에서는
# 직선이 되어 기울기가 ±1에 머뭅니다. 평균 제곱 오차 d²의 기울기 2d는 오차와 함께 끝없이 커집니다.
# smooth L1 손실(`SmoothL1Loss`, β = 0.5)은 Huber 손실을 β로 나눈 것이라, 기울기가 |d| = β에서 벌써 ±1에
# 닿습니다.

# %%
figure("C3.1.2-huber-vs-mse")

# %% [markdown]
# **연습문제 1.** δ = 2인 Huber 손실에서 오차 d = 5일 때 ŷ에 대한 기울기 ∂ℓ/∂ŷ는 얼마일까요(원소 하나,
# `reduction="sum"`)?

# %%
답 = ...  # δ = 2, d = 5일 때 ∂ℓ/∂ŷ
check(답, "C3.1.2-huber/1", hint="|d|가 δ보다 큰지 먼저 보세요. 직선 구간의 기울기는 무엇이었나요?")

# %% [markdown]
# **연습문제 2.** δ = 1인 Huber 손실에서 d = 4일 때 손실 ℓ은 얼마일까요? 같은 오차에서 평균 제곱 오차 d²과
# 비교해 보세요.

# %%
답 = ...  # δ = 1, d = 4일 때 Huber 손실의 값
check(답, "C3.1.2-huber/2", hint="직선 구간의 식 δ(|d| − ½δ)에 넣어 보세요")
