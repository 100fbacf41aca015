# %% [markdown]
# # 00. 시작하기 — 두 쌍둥이를 나란히 학습하기
#
# 이 프로젝트(twin-nets)는 스터디의 1 주차 노트 「딥러닝팀 1 주차 클린업」(앞으로 그냥 **노트**라고
# 부릅니다)의 내용을 **두 번** 구현합니다.
#
# - `scratch/` — NumPy만으로 손으로 쓴 구현입니다. 모든 역전파(backward) 코드가 순전파(forward) 코드 바로
#   옆에 있고, docstring에 노트의 기호(x, w, b, ŷ, E, α …)로 수식을 적었습니다. 이 폴더가 교과서입니다.
#   코드와 docstring은 영어로 썼고, 노트를 `seed`라고 부릅니다. `seed §3.1.1`은 노트 §3.1.1이고, 이름이
#   `seed_`로 시작하는 함수(`seed_xor_network` 등)는 노트에 적힌 그대로의 식이나 가중치입니다.
# - `torch_impl/` — 같은 내용을 `torch.nn`과 `torch.optim`으로 구현합니다. PyTorch에 있는 클래스는 그대로
#   씁니다.
# - `parity_tests/` — 두 쌍둥이의 결과가 float64에서 허용 오차(`rtol=1e-10, atol=1e-12`) 안에서 같음을
#   보이는 테스트입니다.
#
# 이 노트북에서는 두 쌍둥이를 **같은 초기 가중치와 같은 배치 순서**로 나란히 학습시키고(`scripts/train.py`),
# 그 기록을 TensorBoard로 여는 방법을 익힙니다. 다음 노트북부터는 노트의 장 순서대로 개념을 하나씩
# 설명 → 코드 → 두 쌍둥이가 같다는 확인 → 그림 → 연습문제 순으로 살펴봅니다.
#
# **연습문제 푸는 법.** 연습문제 셀에는 `답 = ...`이라는 빈칸이 있습니다. `...`를 여러분의 답으로 바꾸고
# 셀을 실행하면 `check`가 맞았는지 알려 주고, 틀렸으면 힌트를 줍니다. 풀이는 `notebooks/solutions/`에
# 있으니 먼저 풀어 본 뒤에 보세요.

# %%
import json
import shutil
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from twin_nets.notebooks import check, start
from twin_nets.parity import PAIRED_TRAINING_ATOL, assert_twin_close

ROOT = start()
RUNS = ROOT / "notebooks" / "runs"
EXPERIMENT = "getting-started"

# %% [markdown]
# ## 1. 두 쌍둥이를 함께 짧게 학습하기
#
# scikit-learn에 들어 있는 손글씨 숫자(digits, 8×8 = 64 픽셀, 10 클래스)로 64 → 64 → 10 ReLU 다층
# 퍼셉트론을 Adam으로 5 에폭 학습합니다. 기본 실행(`python scripts/train.py`, 은닉 노드 512개, 40 에폭)을
# 작게 줄인 것입니다. 저장소 루트의 터미널에서 같은 명령을 그대로 실행할 수 있습니다.
#
# ```bash
# python scripts/train.py --hidden 64 --epochs 5 --logdir notebooks/runs --experiment getting-started
# ```
#
# 스텝마다 두 쌍둥이의 가중치 차이의 최댓값(`max |Δw|`)과 손실 차이(`max |ΔE|`)를 기록하고, 마지막 줄에
# 두 쌍둥이가 같았는지 판정(parity)을 출력합니다.

# %%
for old in RUNS.glob(f"{EXPERIMENT}*"):  # this notebook's earlier runs (train.py would keep them)
    shutil.rmtree(old)
command = [sys.executable, str(ROOT / "scripts" / "train.py"), "--hidden", "64", "--epochs", "5"]
command += ["--logdir", "notebooks/runs", "--experiment", EXPERIMENT]  # relative to ROOT, the cwd
run = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
assert run.returncode == 0, run.stderr
print(run.stdout[run.stdout.index("\nepoch ") + 1 :])
assert "parity: PASS" in run.stdout

# %% [markdown]
# ## 2. 두 쌍둥이의 학습 결과가 같은가
#
# 학습이 끝나면 각 쌍둥이의 폴더(`notebooks/runs/getting-started/scratch`, `.../torch`)에 TensorBoard 이벤트
# 파일과 `metrics.json`이 생깁니다. 두 쌍둥이의 에폭별 손실과 정확도를 비교하고, 스텝마다 기록한 가중치
# 차이(`parity/max_weight_diff`)가 함께 학습할 때의 허용 오차(가중치 차이의 최댓값 < 1e-8, float64)보다
# 작은지 확인합니다.

# %%
scratch_dir, torch_dir = RUNS / EXPERIMENT / "scratch", RUNS / EXPERIMENT / "torch"


def history(folder, key):
    return np.array([row[key] for row in json.loads((folder / "metrics.json").read_text())["history"]])


def scalars(folder, tag):
    events = EventAccumulator(str(folder))
    events.Reload()
    return np.array([(event.step, event.value) for event in events.Scalars(tag)])


for key in ("train_loss", "test_loss", "train_accuracy", "test_accuracy"):
    ours, theirs = history(scratch_dir, key), history(torch_dir, key)
    assert_twin_close(ours, torch.from_numpy(theirs), f"paired training: {key} per epoch", kind="trajectory")
    print(f"{key:15s} scratch {ours[-1]:.6f} | torch {theirs[-1]:.6f}")
weight_gap = scalars(scratch_dir, "parity/max_weight_diff")[:, 1].max()
assert weight_gap < PAIRED_TRAINING_ATOL, f"twins parted: {weight_gap:.2e} >= {PAIRED_TRAINING_ATOL}"
print(f"허용 오차 안: 모든 스텝에서 max |Δw| ≤ {weight_gap:.2e} < {PAIRED_TRAINING_ATOL}")

# %% [markdown]
# ## 3. TensorBoard 기록 읽기
#
# 두 쌍둥이는 같은 태그(`train/loss`, `test/accuracy`, `parity/max_weight_diff` …)로 기록하므로
# TensorBoard에서 겹쳐 보입니다. 여기서는 TensorBoard가 읽는 이벤트 파일을 파이썬에서 직접 읽어
# 스텝마다의 학습 손실을 그려 봅니다. 두 선이 완전히 겹칩니다.

# %%
scratch_loss, torch_loss = scalars(scratch_dir, "train/loss"), scalars(torch_dir, "train/loss")
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(scratch_loss[:, 0], scratch_loss[:, 1], lw=3, alpha=0.5, label="scratch (NumPy)")
ax.plot(torch_loss[:, 0], torch_loss[:, 1], "k--", lw=1, label="torch")
ax.set(xlabel="스텝 (iteration)", ylabel="학습 손실 E", title="train/loss: 두 쌍둥이의 학습 곡선")
ax.legend()
plt.show()

# %% [markdown]
# ## 4. TensorBoard 열기
#
# 터미널에서 (저장소 루트에서):
#
# ```bash
# tensorboard --logdir notebooks/runs
# ```
#
# 그리고 브라우저에서 **http://localhost:6006** 을 엽니다. `SCALARS` 탭에서 `train/loss`를 보면
# `getting-started/scratch`와 `getting-started/torch` 두 선이 겹쳐 있고, `parity/max_weight_diff`는 1e-16
# 근처에 머뭅니다. `HISTOGRAMS` 탭에는 층별 가중치와 기울기의 분포가 있습니다. JupyterLab 안에서 보려면 셀에
# `%load_ext tensorboard`와 `%tensorboard --logdir notebooks/runs`를 입력합니다. 기본 실행(`python
# scripts/train.py`)의 기록은 `runs/`에 쌓이므로 `tensorboard --logdir runs`로 엽니다.

# %% [markdown]
# ## 연습문제
#
# **1.** 학습 데이터는 1437개, 배치 크기는 64입니다(`--batch-size`의 기본값). 한 에폭은 몇 스텝일까요?
# (한 스텝은 배치 하나로 가중치를 한 번 갱신하는 것입니다. 마지막 배치는 64개보다 적어도 한 스텝입니다.)

# %%
답 = ...  # 한 에폭의 스텝 수
check(답, "00_시작하기/1", hint="1437을 64로 나누고, 나머지가 있으면 한 스텝을 더합니다")

# %% [markdown]
# **2.** `train/loss`에는 스텝마다 점이 하나 찍힙니다. 5 에폭 학습이 끝나면 점은 몇 개일까요?

# %%
답 = ...  # train/loss의 점 개수
check(답, "00_시작하기/2", hint="연습문제 1의 답에 에폭 수를 곱합니다")
