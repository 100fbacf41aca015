# %% [markdown]
# # 07. 심화: 데이터 병렬 학습 (노트 §3.2.1과 §4.3 너머)
#
# 이 노트북은 노트 밖의 내용이고, 1 주차 공부에 꼭 필요하지는 않습니다. 05_최적화의 SGD와 06_성능_향상_기법의
# 배치 정규화를 마친 뒤, 학습을 여러 프로세스로 나누는 방법이 궁금할 때 읽으세요.
#
# 프로세스 하나로 학습이 느리면 K개의 프로세스(rank)가 한 배치를 나눠 맡을 수 있습니다. 이것이 데이터 병렬
# 학습입니다. 이 노트북은 2-rank 작업을 `mpiexec -n 2`로 실행하므로, `pip install -e ".[notebooks]"`가 함께
# 설치하는 MPICH와 mpi4py가 필요합니다.

# %%
import matplotlib.pyplot as plt
import torch

from scratch.distributed import SyncBatchNorm, average_gradients, ring_allreduce
from torch_impl import nn as tnn
from torch_impl.models import mlp as tmlp
from torch_impl.nn.state import load_numpy_state_dict
from twin_nets.notebooks import check, show, start
from twin_nets.notebooks.ranks import DATA_PARALLEL_SPEC, run_job
from twin_nets.parity import assert_twin_close, to_torch

ROOT = start()

# %% [markdown]
# ## C3.2.1-data-parallel — 여러 프로세스가 나눠 하는 미니배치 SGD
#
# K개의 rank가 배치 하나(B개)를 똑같이 나눕니다. rank마다 모델 전체의 복사본을 갖고, 자기 몫(B/K개)의 평균
# 손실로 기울기 g_r을 구합니다. 그다음 **올리듀스**(all-reduce)로 K개의 기울기를 평균하고, 모든 rank가 같은
# 스텝을 갑니다. 몫의 크기가 같으면 (1/K) Σ_r g_r = (1/B) Σ_i ∇ℓ_i이므로, 프로세스 하나가 배치 전체로 구한
# 기울기와 **같습니다**. scratch 쌍둥이는 올리듀스를 MPI의 일대일 메시지만으로, 링(ring) 알고리즘으로 직접
# 구현했습니다. torch 쌍둥이는 `DistributedDataParallel`을 씁니다. 아래가 scratch 쌍둥이의 두 함수입니다.

# %%
show(average_gradients, ring_allreduce)

# %% [markdown]
# 2-rank 작업을 `mpiexec -n 2`로 실행합니다(`twin_nets/notebooks/ranks.py`). 배치는 8개이고, rank마다 자기 몫
# 4개로 기울기를 구한 뒤 평균합니다. 그 결과를 torch 쌍둥이가 **프로세스 하나에서 8개 전체로** 구한 기울기와
# 비교하고, 링 올리듀스로 구한 합도 torch로 구한 합과 비교합니다.

# %%
ranks = run_job("data-parallel")
t_one = tmlp.build_mlp(DATA_PARALLEL_SPEC)
load_numpy_state_dict(t_one, {k[6:]: v for k, v in ranks.items() if k.startswith("state.")})
tnn.CrossEntropyLoss()(t_one(to_torch(ranks["x"])), torch.from_numpy(ranks["y"])).backward()
for name, parameter in t_one.named_parameters():
    assert_twin_close(
        ranks[f"grad.{name}"], parameter.grad, f"C3.2.1-data-parallel: K=2 average vs one process, {name}"
    )
x0 = torch.from_numpy(ranks["x"][0])
assert_twin_close(ranks["ring"], 1.0 * x0 + 2.0 * x0, "C3.2.1-data-parallel: ring all-reduce vs torch's sum")
print(
    f"K = {int(ranks['size'])}: rank들의 평균 기울기 = 프로세스 하나가 배치 전체로 구한 기울기 (허용 오차 안)"
)

# %% [markdown]
# 두 쌍둥이를 함께 2 rank로 학습하려면 `scripts/train.py --distributed`를 실행기(launcher)로 실행합니다. 두
# 쌍둥이를 함께 돌릴 때는 `mpiexec`을, torch 쌍둥이만 돌릴 때는 `torchrun`을 씁니다. 어느 실행기로 돌리든
# torch 쌍둥이는 모델을 `DistributedDataParallel`로 감쌉니다(`torch_impl/distributed.py`). rank마다 같은
# 배치의 자기 몫을 맡으므로 배치 크기와 마지막 배치가 K로 나누어떨어져야 합니다. digits의 학습 데이터
# 1437개를 배치 64로 나누면 마지막 배치가 29개라서 `--drop-last`로 버립니다:
#
# ```bash
# .venv/bin/mpiexec -n 2 .venv/bin/python scripts/train.py --distributed --drop-last --hidden 16 --epochs 1
# .venv/bin/torchrun --nproc-per-node 2 scripts/train.py --impl torch --distributed --drop-last
# ```
#
# K = 1, 2, 4에서 두 실행기가 같은 결과를 내는지는 `parity_tests/distributed/`가 확인합니다.

# %% [markdown]
# **연습.** 배치 64를 K = 2 rank가 앞에서부터 똑같이 나누면, rank 1(두 번째 rank)은 몇 번째부터 몇 번째
# 전까지의 행을 받을까요? (`slice(시작, 끝)`으로 답하세요. 0부터 셉니다)

# %%
답 = ...  # rank 1의 행
check(답, "C3.2.1-data-parallel/1", hint="rank 0이 앞의 64/2개를 받습니다")

# %% [markdown]
# ## C4.3-sync-batchnorm — 동기화 배치 정규화
#
# 데이터 병렬 학습은 배치를 K개로 나눕니다. 이때 rank마다 있는 평범한 `BatchNorm1d`는 **자기 몫의 B/K개**로만
# 평균과 분산을 구하므로, 배치가 작아진 것과 같습니다. 노트가 경고한 대로, 배치가 작으면 배치 정규화의 효과가
# 줄어듭니다. 동기화 배치 정규화(synchronized batch normalization)는 통계를 구하는 재료(개수, Σx, Σx²)를
# 올리듀스로 모아서, 모든 rank가 배치 전체의 평균과 분산으로 정규화합니다(torch: `nn.SyncBatchNorm`). 두
# 쌍둥이를 함께 학습할 때는 `mpiexec -n 2 python scripts/train.py --distributed --sync-bn --norm batch
# --drop-last`로 씁니다.

# %%
show(SyncBatchNorm)

# %% [markdown]
# 2-rank 작업으로 확인합니다. rank마다 자기 몫 4개를 동기화 배치 정규화와 평범한 배치 정규화에 넣고, rank 0이
# 두 몫의 출력과 입력 기울기를 모읍니다. 동기화 배치 정규화의 결과를 torch 쌍둥이가 프로세스 하나에서 배치
# 8개 전체로 구한 결과와 비교합니다.

# %%
ranks = run_job("sync-batchnorm")
x_all = to_torch(ranks["x"], requires_grad=True)
t_one = tnn.BatchNorm1d(3, dtype=torch.float64)
y_one = t_one(x_all)
y_one.backward(to_torch(ranks["g"]))
assert_twin_close(ranks["sync.y"], y_one, "C4.3-sync-batchnorm: K=2 sync output vs one process")
assert_twin_close(ranks["sync.dx"], x_all.grad, "C4.3-sync-batchnorm: K=2 input gradient vs one process")
assert_twin_close(ranks["sync.running_var"], t_one.running_var, "C4.3-sync-batchnorm: running_var")
print("동기화 배치 정규화의 출력, 입력 기울기, running_var가 프로세스 하나의 배치 정규화와 같습니다")

# %%
fig, ax = plt.subplots(figsize=(6.5, 3))
ax.plot(y_one.detach().numpy()[:, 0], "ko-", label="프로세스 하나의 배치 정규화 (torch, 배치 8)")
ax.plot(ranks["sync.y"][:, 0], "c.--", ms=10, label="동기화 배치 정규화 (scratch, 2 rank × 4)")
ax.plot(ranks["plain.y"][:, 0], "rx:", label="rank마다 평범한 배치 정규화 (2 rank × 4)")
ax.axvline(3.5, color="grey", lw=0.8)
ax.set(xlabel="샘플 (왼쪽: rank 0, 오른쪽: rank 1)", ylabel="정규화된 값 (채널 0)", title="배치를 나누면")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# **연습.** rank마다 평범한 `BatchNorm1d`를 쓴 출력(빨간 ×)은 프로세스 하나의 출력(검은 점)과 허용 오차
# 안에서 같을까요? (`True`/`False`, 위 그림을 보고 답하세요)

# %%
답 = ...  # True 또는 False
check(답, "C4.3-sync-batchnorm/1", hint="빨간 ×가 검은 점 위에 겹쳐 있나요?")
