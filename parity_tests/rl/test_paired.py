"""C1.2-reinforce, C1.2-dqn: whole short learning runs on gymnasium's CartPole-v1, both twins paired.

One NumPy generator makes every draw; both twins get each one. The runs are trained once per module
(fixtures) and asserted many ways: identical actions (no split), every update's weights at the paired-
training contract, and learning (the return rising). Episodes-to-solve is measured by
``scripts/rl.py --seeds …``, not here.
"""

from __future__ import annotations

import numpy as np
import pytest

from twin_nets.contract import PAIRED_TRAINING_ATOL
from twin_nets.kit import kit
from twin_nets.rl.config import RLConfig
from twin_nets.rl.paired import CLOSE, Pairing, RunResult, _act, network, run

pytest.importorskip("gymnasium", reason="the RL runs need gymnasium (pip install -e .)")


@pytest.fixture(scope="module")
def reinforce_run() -> RunResult:
    return run(RLConfig.for_algorithm("reinforce", seed=2, episodes=60))


@pytest.fixture(scope="module")
def dqn_run() -> RunResult:
    # The defaults (Double DQN, the learning-rate decay, the gradient-norm cap), shortened: ε reaches 0
    # after 1000 steps. With ε at 0.01 after 400 steps, seeds 1 and 2 fell to about 10 steps an
    # episode over their last 10 episodes; this schedule rose on each of seeds 0-3.
    config = RLConfig.for_algorithm(
        "dqn",
        seed=0,
        episodes=60,
        hidden=(128, 128),
        warmup=200,
        eps_decay_steps=1000,
        sync_every=50,
        lr=1e-3,
    )
    return run(config)


@pytest.mark.slow  # two short learning runs, each 1000-4000 steps of both twins
@pytest.mark.parametrize("name", ["reinforce_run", "dqn_run"], ids=["C1.2-reinforce", "C1.2-dqn"])
def test_paired_run_keeps_the_twins_on_the_same_actions_and_weights(name, request):
    result = request.getfixturevalue(name)
    p = result.pairing
    assert p.steps == len(result.actions) == sum(result.returns) > 500
    assert p.splits == 0 and result.fork is None, f"{name}: the twins' actions split at {result.fork}"
    assert 0 < p.max_weight_diff < PAIRED_TRAINING_ATOL  # > 0: two twins really ran
    assert p.max_output_diff < 1e-10
    for twin in ("scratch", "torch"):
        assert np.isfinite([x for x in result.losses[twin] if x == x]).all()
    np.testing.assert_allclose(
        [x for x in result.losses["scratch"] if x == x],
        [x for x in result.losses["torch"] if x == x],
        rtol=1e-8,
    )


@pytest.mark.slow
def test_reinforce_learns(reinforce_run):
    """The return rises: the last 15 episodes' mean is well above the first 15's (a random policy
    averages about 22 steps; seed 2 measured 19.1, then 105.9)."""
    r = reinforce_run.returns
    assert np.mean(r[-15:]) > 2 * np.mean(r[:15]), r


@pytest.mark.slow
def test_dqn_explores_then_learns(dqn_run):
    """ε falls from about 1 to its floor; then the mostly greedy episodes get longer (the mean over the
    first 10 episodes, then the last 10, measured: seed 0 15.8 then 119.1; seeds 1-3 19.4, 24.2, 21.8 then
    98.2, 92.2, 105.4)."""
    eps = dqn_run.epsilons
    assert eps[0] > 0.9 and eps[-1] == pytest.approx(dqn_run.config.eps_end)
    assert np.all(np.diff(eps) <= 0)
    r = dqn_run.returns
    assert np.mean(r[-10:]) > 2 * np.mean(r[:10]), r


class FakeAgent:
    def __init__(self, p):
        self.p = np.asarray(p)

    def probabilities(self, s):
        return self.p


class FixedDraw:
    def __init__(self, u):
        self.u = u

    def random(self):
        return self.u


@pytest.mark.parametrize(
    ("torch_p", "u", "close", "split"),
    [
        ([0.3, 0.7], 0.5, 0, 0),  # far from the boundary 0.3
        ([0.3 + 1e-15, 0.7 - 1e-15], 0.3 + 5e-16, 1, 1),  # u between the twins' boundaries: a split
        ([0.3, 0.7], 0.3 + 1e-12, 1, 0),  # close, but both choose the same
    ],
    ids=["C1.2-reinforce-far", "C1.2-reinforce-split", "C1.2-reinforce-close"],
)
def test_round_off_between_the_twins_is_counted_not_hidden(torch_p, u, close, split):
    """A draw within CLOSE of a boundary is counted; a split is counted and each twin's action returned."""
    result = RunResult(RLConfig(), ("scratch", "torch"))
    result.agents = {"scratch": FakeAgent([0.3, 0.7]), "torch": FakeAgent(torch_p)}
    chosen = _act(result.config, result, np.zeros(4), FixedDraw(u), 0)
    assert chosen["scratch"] == int(u >= 0.3)  # a = the number of boundaries ≤ u
    assert chosen["torch"] == int(u >= torch_p[0])
    assert result.pairing == Pairing(
        steps=1, close_draws=close, splits=split, max_output_diff=result.pairing.max_output_diff
    )
    assert abs(u - 0.3) < CLOSE or not close


def lean_right_tipped(original):
    """The torch twin's output, except that once it has made 3 updates it pushes left (action 0) whenever
    the pole leans right by more than 0.02 rad: a split made on purpose, the same in every run of the torch
    twin (it depends on the state and the twin's own updates only)."""

    def output(self, s):
        steps = [int(state["step"]) for state in self.optimizer.state.values()]
        return np.array([1.0, 0.0]) if s[2] > 0.02 and steps and steps[0] >= 3 else original(self, s)

    return output


@pytest.mark.parametrize(
    ("algorithm", "changes"),
    [
        ("reinforce", {}),
        ("dqn", {"warmup": 16, "batch_size": 8, "eps_start": 0.1, "eps_end": 0.1}),
    ],
    ids=["C1.2-reinforce-fork", "C1.2-dqn-fork"],
)
def test_a_split_forks_the_run_and_each_branch_is_that_twins_run_alone(algorithm, changes, monkeypatch):
    """After a split each twin goes on alone: its returns, actions, losses, ε and weights are bit for bit
    those of a one-twin run with the same seed; the shared episodes before the fork are the paired run's."""
    import torch_impl.rl

    agent = torch_impl.rl.ReinforceAgent if algorithm == "reinforce" else torch_impl.rl.DQNAgent
    method = "probabilities" if algorithm == "reinforce" else "q_values"
    monkeypatch.setattr(agent, method, lean_right_tipped(getattr(agent, method)))
    config = RLConfig.for_algorithm(algorithm, seed=0, hidden=(8,), episodes=6, **changes)
    paired = run(config)
    fork = paired.fork
    assert fork is not None and paired.pairing.splits == 1 and fork.step == paired.pairing.steps
    assert fork.actions == {"scratch": 1, "torch": 0}
    assert 1 < fork.episode <= 6 and len(paired.returns) == fork.episode - 1  # the shared episodes
    assert 0 < paired.pairing.max_weight_diff < PAIRED_TRAINING_ATOL  # both twins learned before it
    for twin in ("scratch", "torch"):
        branch, alone = paired.twin(twin), run(config, (twin,))
        assert branch.twins == (twin,) and alone.fork is None
        assert branch.returns[: fork.episode - 1] == paired.returns
        assert branch.returns == alone.returns and branch.actions == alone.actions
        assert branch.solved_at == alone.solved_at
        np.testing.assert_array_equal(branch.losses[twin], alone.losses[twin])  # nan where no update
        np.testing.assert_array_equal(branch.epsilons, alone.epsilons)
        mine, theirs = (kit(twin).state(network(r.agents[twin])) for r in (branch, alone))
        for key in mine:
            np.testing.assert_array_equal(mine[key], theirs[key], err_msg=f"{config.concept}: {twin} {key}")
    assert paired.twin("scratch").returns != paired.twin("torch").returns
    with pytest.raises(ValueError, match="expected one of"):
        paired.twin("jax")


def test_self_drift_starts_at_the_nudge_and_is_zero_without_one():
    """The drift experiment's two agents: identical without a nudge, apart by about the nudge with one."""
    from twin_nets.rl.drift import self_drift

    config = RLConfig.for_algorithm("reinforce", seed=0, hidden=(8,))
    same = [diff for _, _, diff in self_drift(config, nudge=0.0, episodes=3)]
    nudged = [diff for _, _, diff in self_drift(config, nudge=1e-6, episodes=3)]
    assert same == [0.0, 0.0, 0.0]
    assert all(0 < diff < 1e-4 for diff in nudged)


def test_the_summary_gives_each_twins_spread_the_forks_and_the_weight_difference():
    """``scripts/rl.py``'s last lines: per twin, solved seeds and min / median / max episodes; the forks and
    the largest paired weight difference before them (here three made-up runs, one forked)."""
    from twin_nets.rl.paired import Fork
    from twin_nets.rl.solve import seed_line, summary

    runs = []
    for seed, (solved, fork, diff) in enumerate(
        [(300, None, 1e-12), (500, (40, 3000), 2e-9), (None, None, 0.0)]
    ):
        result = RunResult(
            RLConfig.for_algorithm("reinforce", seed=seed), ("scratch", "torch"), solved_at=solved
        )
        result.pairing.max_weight_diff = diff
        if fork is not None:
            result.fork = Fork(*fork, {"scratch": 1, "torch": 0})
            result.branches = {
                "scratch": RunResult(result.config, ("scratch",), solved_at=700),
                "torch": RunResult(result.config, ("torch",), solved_at=None),
            }
        runs.append(result)
    assert summary(runs).splitlines() == [
        "C1.2-reinforce scratch: solved 2 of 3 seeds (0 1 2); episodes to solve: min 300, median 500, "
        "max 700",
        "C1.2-reinforce torch: solved 1 of 3 seeds (0 1 2); episodes to solve: min 300, median 300, max 300",
        "C1.2-reinforce paired: forks 1 of 3 (seed 1 episode 40); largest weight difference before a fork "
        "2.00e-09",
    ]
    assert "solved at episode scratch 700, torch None" in seed_line(runs[1])
    assert "forked at episode 40, step 3000" in seed_line(runs[1])
