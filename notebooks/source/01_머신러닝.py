# %% [markdown]
# # 01. 머신러닝 (노트 §1.1–1.3)
#
# 노트는 머신러닝을 "데이터로부터 학습(Training or learning)을 통해 성능을 개선할 수 있는 컴퓨터
# 알고리즘의 한 분야"로 정의합니다. 스팸 메일 분류기를 만든다고 하면, 전통적인 프로그래밍에서는 사람이 구분
# 규칙을 하나하나 적어야 하지만 머신러닝은 데이터에서 규칙을 스스로 학습합니다. 노트는 머신러닝을
# 지도학습(supervised learning), 비지도학습(unsupervised learning), 강화학습(reinforcement learning)의
# 세 갈래로 나눕니다. 이 노트북은 지도학습, 비지도학습의 세 과업(군집화, 차원축소, 이상 탐지)과 레이블
# 없이 학습하는 신경망인 오토인코더(autoencoder), 그리고 머신러닝과 딥러닝을 가르는 특성 공학(feature
# engineering)을 코드로 봅니다. 강화학습(§1.2)은 다음 노트북 `01b_강화학습`에서 REINFORCE와 DQN으로
# 다룹니다.
#
# 절마다 순서는 같습니다: 노트의 내용 → scratch 쌍둥이의 코드 → 실행 → torch 쌍둥이로 같은 계산 → 두
# 결과가 허용 오차(float64: `rtol=1e-10, atol=1e-12`) 안에서 같다는 확인 → 그림 → 연습문제.

# %%
import tempfile

import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA

from scratch import nn as snn
from scratch import optim as soptim
from scratch.data.datasets import load_digits, make_2d
from scratch.models import anomaly as sa
from scratch.models import autoencoder as sae
from scratch.models import kmeans as sk
from scratch.models import mlp as smlp
from scratch.models import pca as sp
from scratch.models import supervised as ss
from torch_impl import nn as tnn
from torch_impl import optim as toptim
from torch_impl.models import anomaly as ta
from torch_impl.models import autoencoder as tae
from torch_impl.models import kmeans as tk
from torch_impl.models import mlp as tmlp
from torch_impl.models import pca as tp
from torch_impl.models import supervised as ts
from torch_impl.nn.state import load_numpy_state_dict
from twin_nets.contract import tolerance
from twin_nets.experiments import unsupervised as experiment
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
# 찾는 학습(군집화, 이상 탐지, 차원축소)으로, 이 절 다음의 네 절에서 다룹니다.
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
# ## C1.1-kmeans — 비지도학습: 군집화 (노트 §1.1)
#
# 노트 §1.1에 따르면 비지도학습은 "출력값을 알려주지 않고 스스로 모델을 구축하여 학습하는 것"이고, 입력만
# 있으므로 "규칙성을 스스로 찾아내는 것이 학습의 주요 목표"입니다. 노트가 꼽는 대표적인 과업은 **군집화**,
# **이상 탐지**, **차원축소**입니다. 이 절부터 네 절에 걸쳐 셋을 모두 구현합니다. 군집화는 k-means로,
# 차원축소는 PCA(주성분 분석)로 하고, 레이블 없이 학습하는 신경망인 오토인코더로 차원축소와 이상 탐지를 다시
# 합니다. 네 절 어디에서도 레이블(정답 숫자)을 학습의 정답으로 쓰지 않습니다. 레이블은 결과를 채점하거나
# 학습할 데이터를 고를 때만 씁니다.
# 같은 일을 할 때 실제로 쓰는 라이브러리인 scikit-learn과 같은 답이 나오는지도 함께 확인합니다.
#
# 군집화는 레이블 없이 비슷한 입력끼리 묶는 일입니다. k-means는 묶음(군집) k개를 각각의 **중심** c_j로
# 나타내고, 두 단계를 번갈아 되풀이합니다.
#
# 1. **배정**: 각 점을 가장 가까운 중심의 군집에 넣습니다.
# 2. **갱신**: 각 중심을 자기 군집에 속한 점들의 평균으로 옮깁니다.
#
# 두 단계 모두 **관성**(inertia) E = Σᵢ ‖xᵢ − c_{lᵢ}‖²을 늘리지 않습니다. 배정이 더는 아무 점의 군집도 바꾸지
# 않으면 멈춥니다. 처음 중심은 k-means++로 고릅니다. 첫 중심은 무작위로 고른 점 하나이고, 그다음부터는 이미
# 고른 중심에서 멀수록 잘 뽑히도록, 가장 가까운 중심까지 거리의 제곱에 비례하는 확률로 점을 고릅니다.

# %%
show(sk.lloyd, sk.kmeans_plusplus)

# %% [markdown]
# torch 쌍둥이는 같은 두 단계를 텐서로 씁니다. k-means++의 난수는 같은 NumPy 생성기에서 뽑습니다(torch의
# 생성기는 다른 수를 냅니다).

# %%
show(tk.lloyd)

# %% [markdown]
# 네 덩어리로 흩어진 2차원 점 300개를 k = 4로 묶습니다. 세 구현이 **같은 처음 중심**에서 출발합니다.
# scratch와 torch 쌍둥이는 같은 상태의 생성기로 k-means++를 돌리고, scikit-learn의
# `KMeans(init=중심, n_init=1, tol=0)`은 그 중심을 그대로 받습니다. 관성이 반복마다 어떻게 변하는지도
# 찍어 봅니다(`max_iter=i`: i번째 반복에서 멈춘 결과).

# %%
x_blobs, _ = make_blobs(300, centers=4, cluster_std=1.5, random_state=0)
centres = sk.kmeans_plusplus(x_blobs, 4, np.random.default_rng(7))
t_centres = tk.kmeans_plusplus(to_torch(x_blobs), 4, np.random.default_rng(7))
s_kmeans = sk.lloyd(x_blobs, centres)
t_kmeans = tk.lloyd(to_torch(x_blobs), to_torch(centres))
sk_kmeans = KMeans(4, init=centres, n_init=1, tol=0.0, algorithm="lloyd").fit(x_blobs)
inertias = [sk.lloyd(x_blobs, centres, max_iter=i).inertia for i in range(1, s_kmeans.n_iter + 1)]
print(f"반복 {s_kmeans.n_iter}회 (torch {t_kmeans.n_iter}회, scikit-learn {sk_kmeans.n_iter_}회)")
print("반복마다 관성:", np.round(inertias, 2))
print("관성이 한 번이라도 늘었나:", bool(np.any(np.diff(inertias) > 0)))

# %% [markdown]
# **세 구현이 같은가.** 처음 중심과 레이블은 정확히 같아야 하고, 최종 중심과 관성은 허용 오차(float64)
# 안에서 같아야 합니다. scikit-learn도 float64로 계산하지만, 계산 순서가 다르면 마지막 자리가 다를 수
# 있습니다.

# %%
np.testing.assert_array_equal(centres, t_centres.numpy())
np.testing.assert_array_equal(s_kmeans.labels, t_kmeans.labels.numpy())
assert_twin_close(s_kmeans.centres, t_kmeans.centres, "C1.1-kmeans: centres")
np.testing.assert_array_equal(s_kmeans.labels, sk_kmeans.labels_)
np.testing.assert_allclose(s_kmeans.centres, sk_kmeans.cluster_centers_, **tolerance(np.float64))
np.testing.assert_allclose(s_kmeans.inertia, sk_kmeans.inertia_, **tolerance(np.float64))
print("scratch, torch, scikit-learn의 레이블·중심·관성이 같습니다")

# %%
figure("C1.1-kmeans-clusters")

# %% [markdown]
# ### 연습문제
#
# **1.** 1차원 점 0, 2, 5, 11을 중심 0과 2에서 시작해 배정과 갱신을 군집이 바뀌지 않을 때까지 손으로
# 되풀이하면, 마지막 관성은?

# %%
답 = ...  # 마지막 관성 Σ(x − c)²
check(답, "C1.1-kmeans/1", hint="첫 배정에서 0만 중심 0의 군집입니다. 갱신한 중심으로 다시 배정해 보세요")

# %% [markdown]
# ## C1.1-pca — 비지도학습: 차원축소 (노트 §1.1)
#
# 차원축소는 입력 하나를 더 적은 수의 숫자로 나타내면서, 데이터가 퍼진 정도(분산)를 최대한 남기는 일입니다.
# PCA는 분산이 가장 큰 방향 k개(**주성분**)를 찾아 데이터를 그 위로 사영합니다. 평균을 뺀 데이터 X̃를
# 특잇값 분해(SVD)한 X̃ = U S Vᵀ에서 Vᵀ의 앞 k개 행이 주성분이고, i번째 방향의 분산은 sᵢ²/(N − 1)입니다.
# 특잇값 분해는 방향의 부호를 정해 주지 않으므로, scikit-learn처럼 각 주성분에서 절댓값이 가장 큰 성분이
# 양수가 되도록 부호를 고정합니다. torch 쌍둥이는 `torch.linalg.svd`로 같은 계산을 합니다.

# %%
show(sp.pca)

# %% [markdown]
# 8×8 숫자 이미지 1797장(픽셀 64개)을 2차원으로 줄입니다. 각 이미지의 새 좌표(`transform`)가 두 주성분
# 방향으로 가진 분산이 sᵢ²/(N − 1)과 같은지, 부호를 고정한 대로 가장 큰 성분이 양수인지 확인합니다.

# %%
x_digits, y_digits = load_digits()
s_pca = sp.pca(x_digits, 2)
t_pca = tp.pca(to_torch(x_digits), 2)
sk_pca = PCA(2, svd_solver="full").fit(x_digits)
z_digits = s_pca.transform(x_digits)
ratio = s_pca.explained_variance_ratio
print(f"새 좌표의 분산 {np.var(z_digits, axis=0, ddof=1)}, sᵢ²/(N − 1) {s_pca.explained_variance}")
print(
    "각 주성분에서 절댓값이 가장 큰 성분:", s_pca.components[[0, 1], np.abs(s_pca.components).argmax(axis=1)]
)
print(f"주성분 2개가 남긴 분산: {ratio[0]:.1%} + {ratio[1]:.1%} = {ratio.sum():.1%}")

# %% [markdown]
# **세 구현이 같은가.** 두 쌍둥이의 새 좌표를 허용 오차 안에서 비교하고, scikit-learn의 주성분·분산 비율·
# 새 좌표와도 비교합니다.

# %%
assert_twin_close(z_digits, t_pca.transform(to_torch(x_digits)), "C1.1-pca: transform")
np.testing.assert_allclose(s_pca.components, sk_pca.components_, **tolerance(np.float64))
np.testing.assert_allclose(ratio, sk_pca.explained_variance_ratio_, **tolerance(np.float64))
np.testing.assert_allclose(z_digits, sk_pca.transform(x_digits), **tolerance(np.float64))
print("scratch, torch, scikit-learn의 주성분·분산 비율·새 좌표가 같습니다")

# %%
figure("C1.1-pca-digits")

# %% [markdown]
# ### 연습문제
#
# **1.** 2차원 점 네 개 (−1, 0), (1, 0), (0, −2), (0, 2)를 주성분 하나로 줄이면, 그 주성분이 남기는 분산의
# 비율(`explained_variance_ratio`)은?

# %%
답 = ...  # 첫 주성분의 분산 비율
check(답, "C1.1-pca/1", hint="평균은 (0, 0)입니다. x₁ 방향과 x₂ 방향의 제곱합을 각각 구해 보세요")

# %% [markdown]
# **2.** 숫자 이미지를 주성분 3개로 줄이면 분산의 몇 %가 남을까요? `sp.pca`로 계산해 비율(예: 0.5)로,
# 소수 셋째 자리까지 답하세요.

# %%
답 = ...  # 주성분 3개가 남기는 분산의 비율
check(답, "C1.1-pca/2", hint="sp.pca(x_digits, 3)의 explained_variance_ratio를 모두 더합니다")

# %% [markdown]
# ## C1.1-autoencoder — 비지도학습: 오토인코더 (노트 §1.1, §1.3)
#
# 노트 §1.3은 딥러닝을 지도학습, 비지도학습, 강화학습 모두에 쓸 수 있다고 하고, 이미지 생성과 음성 합성을
# 비지도학습의 활용 사례로 듭니다. **오토인코더**(autoencoder)는 레이블 없이 학습하는 신경망의
# 대표적인 예입니다. 인코더가 입력 x를 짧은 **코드** z로 줄이고, 디코더가 z에서 x̂를 다시 만듭니다. 손실 함수는
# x와 x̂ 사이의 **재구성 오차**(평균 제곱 오차)입니다. 정답 자리에 입력 자신이 들어가므로 레이블이 필요
# 없습니다. 코드 z는 학습으로 찾은 차원축소입니다. 인코더와 디코더는 지금까지의 레이어로 만든 MLP
# (`build_mlp`)입니다. 활성화 함수는 은닉층에만 있고, 코드와 출력에는 없습니다.

# %%
show(sae.Autoencoder, sae.train_step)

# %% [markdown]
# torch 쌍둥이는 같은 두 MLP를 `nn.Sequential`로 만들고, 손실 함수 `nn.MSELoss()(model(x), x)`의 기울기를
# autograd로 구합니다. 64-32-2-32-64 오토인코더의 가중치를 torch 쌍둥이에 옮겨, 숫자 이미지 8장의 순전파
# 출력, 입력의 기울기, 모든 파라미터의 기울기를 무작위 상류 기울기로 비교합니다.

# %%
spec_ae = sae.AutoencoderSpec(64, (32,), 2, "tanh")
s_ae = sae.Autoencoder(spec_ae, np.random.default_rng(0))
t_ae = tae.Autoencoder(spec_ae)
ae_diffs = check_module_parity(
    "C1.1-autoencoder: Autoencoder", s_ae, t_ae, x_digits[:8], np.random.default_rng(1)
)
print(f"두 쌍둥이가 같습니다 (비교한 텐서 {len(ae_diffs)}개, 가장 큰 차이 {max(ae_diffs.values()):.1e})")

# %% [markdown]
# 학습은 본 작업(`scripts/train.py`)의 `--task autoencoder` 모드가 맡습니다. 두 쌍둥이가 같은 초기 가중치와
# 같은 배치로 학습하고, 에포크마다 두 쌍둥이의 가중치 차이가 1e-8 미만인지 검사합니다(넘으면 아래 셀이
# `RunFailedError`로 멈춥니다). 설정은 64-32-2-32-64, tanh, Adam(학습률 0.01), 배치 64, 50 에포크로 그림과
# 같습니다. 명령줄에서는 아래와 같고, TensorBoard의 PROJECTOR 탭에서 코드를 숫자 썸네일로 볼 수 있습니다.
#
# ```bash
# python scripts/train.py --task autoencoder --hidden 32 --code 2 --activation tanh --init default \
#     --lr 0.01 --epochs 50
# ```
#
# 노트는 "비지도학습의 결과는 지도학습의 입력으로 사용이 가능"하다고 말합니다. 2차원 코드가 숫자를 얼마나
# 잘 가르는지를 두 점수로 잽니다. 하나는 학습 데이터의 코드로 5-최근접 이웃 분류기를 만들어 테스트 코드의
# 숫자를 맞힌 비율, 다른 하나는 같은 숫자끼리 모이고 다른 숫자와 떨어진 정도인 실루엣(−1 … 1)입니다. PCA의
# 두 주성분으로 만든 2차원 좌표와 비교합니다.

# %%
RUNS = tempfile.mkdtemp(prefix="01-unsupervised-")  # the autoencoders' TensorBoard runs
ae_config = experiment.NONLINEAR  # 64-32-2-32-64, tanh, Adam(0.01), batch 64, 50 epochs
separation = experiment.separation(0, RUNS, ae_config)
print(f"테스트 코드의 두 쌍둥이 차이: 가장 큰 값 {separation.max_code_diff:.1e}")
for name, label in (
    ("pca", "PCA 두 주성분"),
    ("scratch", "오토인코더 (scratch)"),
    ("torch", "오토인코더 (torch)"),
):
    print(
        f"{label}: 5-최근접 이웃 정확도 {separation.knn[name]:.1%}, 실루엣 {separation.silhouette[name]:.3f}"
    )

# %%
figure("C1.1-autoencoder-codes")

# %% [markdown]
# ### 연습문제
#
# **1.** 64-32-2-32-64 오토인코더에서 학습되는 값(가중치와 편향)은 모두 몇 개일까요?

# %%
답 = ...  # 파라미터 수
check(
    답,
    "C1.1-autoencoder/1",
    hint="Linear 하나는 (입력 수 × 출력 수)개의 가중치와 출력 수만큼의 편향을 가집니다",
)

# %% [markdown]
# ## C1.1-anomaly — 비지도학습: 이상 탐지 (노트 §1.1)
#
# 노트는 이상 탐지를 딥러닝에서도 자주 다루는 주제이니 기억해 두라고 합니다. 오토인코더는 학습에서 본 것과
# 비슷한 입력은 잘 재구성하고, 처음 보는 종류는 잘 재구성하지 못합니다. 그래서 **재구성 오차**를 그대로
# 이상 점수로 쓸 수 있습니다. 위와 같은 오토인코더를 숫자 0–4만으로 학습하고(레이블은 학습할 숫자를 고를
# 때와 채점할 때만 씁니다), 테스트 숫자 전체의 재구성 오차로 5–9를 가려냅니다.
#
# 점수가 이상을 얼마나 잘 가르는지는 임계값 하나가 아니라 모든 임계값에 걸쳐 **ROC AUC**로 잽니다. ROC AUC는
# 이상 하나와 정상 하나를 무작위로 골랐을 때 이상의 점수가 더 높을 확률입니다(동점은 ½로 셉니다). 순위로
# 계산하면 AUC = (이상들의 순위 합 − n⁺(n⁺ + 1)/2) / (n⁺ n⁻)이고, 같은 점수는 순위의 평균을 나눠 가집니다.

# %%
show(sae.reconstruction_error, sa.roc_auc)

# %% [markdown]
# torch 쌍둥이(`torch_impl/models/anomaly.py`)는 순위를 `torch.sort`로 매겨 같은 식을 계산합니다. 아래
# 셀은 두 쌍둥이를 학습하고, 순위 식으로 구한 AUC가 이상·정상의 모든 쌍을 하나씩 비교한 확률과 같은지
# 확인합니다.

# %%
detector = experiment.anomaly(0, RUNS, ae_config)
scores, is_anomaly = detector.scores["scratch"], detector.is_anomaly
pairs = scores[is_anomaly][:, None] - scores[~is_anomaly][None, :]  # 이상 × 정상의 모든 쌍
by_pairs = np.mean(pairs > 0) + 0.5 * np.mean(pairs == 0)
print(f"정상 {np.sum(~is_anomaly)}장, 이상 {np.sum(is_anomaly)}장")
medians = np.median(scores[~is_anomaly]), np.median(scores[is_anomaly])
print(f"재구성 오차의 중앙값: 정상 {medians[0]:.4f}, 이상 {medians[1]:.4f}")
print(f"ROC AUC: 순위 식 {detector.auc['scratch']:.4f}, 모든 쌍의 비교 {by_pairs:.4f}")

# %% [markdown]
# **세 구현이 같은가.** 같은 점수를 두 쌍둥이의 `roc_auc`와 scikit-learn의 `roc_auc_score`에 넣어 비교하고,
# 두 쌍둥이가 따로 학습한 검출기의 재구성 오차도 비교합니다.

# %%
t_auc = ta.roc_auc(to_torch(scores), torch.from_numpy(is_anomaly))
assert_twin_close(
    np.float64(detector.auc["scratch"]), torch.tensor(t_auc, dtype=torch.float64), "C1.1-anomaly: AUC"
)
np.testing.assert_allclose(detector.auc["scratch"], detector.sklearn_auc["scratch"], **tolerance(np.float64))
sk_auc = detector.sklearn_auc["scratch"]
print(f"AUC: scratch {detector.auc['scratch']:.6f}, torch {t_auc:.6f}, scikit-learn {sk_auc:.6f}")
print(
    f"두 쌍둥이 검출기의 재구성 오차 차이: 가장 큰 값 {np.max(np.abs(scores - detector.scores['torch'])):.1e}"
)

# %%
figure("C1.1-anomaly-errors")

# %% [markdown]
# ### 연습문제
#
# **1.** 점수 0.1, 0.3, 0.6인 입력이 정상이고 점수 0.6, 0.8인 입력이 이상입니다. ROC AUC는?

# %%
답 = ...  # ROC AUC
check(답, "C1.1-anomaly/1", hint="이상·정상 쌍 2 × 3 = 6개를 하나씩 비교하세요. 동점은 ½입니다")

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
