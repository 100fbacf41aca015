"""C1.2-reinforce, C1.2-dqn: each agent's loss, gradient and update against its torch twin (no environment:
these run wherever torch runs; the learning runs on CartPole are ``test_paired.py``)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import scratch.rl as srl
import torch_impl.rl as trl
from parity_tests.parity import FINITE_DIFFERENCE_RTOL, assert_twin_close
from scratch.gradcheck import numerical_gradient, relative_error
from scratch.models.mlp import MLPSpec, build_mlp
from scratch.optim import Adam
from scratch.rl.reinforce import advantages, reinforce_loss, reinforce_loss_backward
from torch_impl.models.mlp import build_mlp as torch_build_mlp
from torch_impl.nn.state import load_numpy_state_dict


def twin_networks(rng: np.random.Generator, sizes=(4, 16, 2)):
    """A scratch MLP and its torch twin with the same weights, and Adam over each."""
    net = build_mlp(MLPSpec(sizes), rng)
    net_t = torch_build_mlp(MLPSpec(sizes))
    load_numpy_state_dict(net_t, net.state_dict())
    return net, Adam(net.parameters(), lr=0.01), net_t, torch.optim.Adam(net_t.parameters(), lr=0.01)


def assert_same_weights(net, net_t, what: str) -> None:
    for key, value in net_t.state_dict().items():
        assert_twin_close(net.state_dict()[key], value, f"{what}: {key}")


@pytest.mark.parametrize("gamma", [0.0, 0.5, 0.99], ids=lambda g: f"C1.2-reinforce-returns-gamma{g}")
def test_returns_to_go_match_the_definition_and_torch(gamma, rng):
    r = rng.standard_normal(7)
    G = srl.returns_to_go(r, gamma)
    expected = [sum(gamma**k * r[t + k] for k in range(len(r) - t)) for t in range(len(r))]
    np.testing.assert_allclose(G, expected, rtol=1e-12)
    assert_twin_close(G, trl.returns_to_go(torch.from_numpy(r), gamma), "C1.2-reinforce: G")


@pytest.mark.parametrize(
    "normalize", [True, False], ids=["C1.2-reinforce-normalized", "C1.2-reinforce-plain"]
)
def test_reinforce_gradient_by_hand_matches_autograd_and_finite_differences(normalize, rng):
    """∂E/∂z = (π − onehot(a))·A by hand = torch autograd of −Σ log π(a|s) A = central differences."""
    z, a = rng.standard_normal((6, 3)), rng.integers(0, 3, 6)
    A = advantages(rng.standard_normal(6) * 10, normalize)
    E, cache = reinforce_loss(z, a, A)
    grad = reinforce_loss_backward(cache)
    z_t = torch.from_numpy(z.copy()).requires_grad_()
    E_t = -(
        torch.log_softmax(z_t, 1).gather(1, torch.from_numpy(a)[:, None])[:, 0] * torch.from_numpy(A)
    ).sum()
    E_t.backward()
    assert_twin_close(E, E_t, "C1.2-reinforce: E")
    assert_twin_close(grad, z_t.grad, "C1.2-reinforce: ∂E/∂z")
    numeric = numerical_gradient(lambda: float(reinforce_loss(z, a, A)[0]), z)
    assert relative_error(grad, numeric) < FINITE_DIFFERENCE_RTOL


def test_reinforce_step_makes_a_better_than_average_action_more_likely(rng):
    """The sign: A > 0 raises π(a|s), A < 0 lowers it (the notes' 당근과 채찍)."""
    net, opt, _, _ = twin_networks(rng)
    agent = srl.ReinforceAgent(net, opt, gamma=1.0, normalize=False)
    s = rng.standard_normal(4)
    before = agent.probabilities(s)
    # two steps from s: action 0 then action 1; G = (2, 1), b = 1.5: A = (+½, −½)
    agent.update(np.stack([s, s]), np.array([0, 1]), np.array([1.0, 1.0]))
    assert agent.probabilities(s)[0] > before[0]


def test_reinforce_updates_match_torch_over_episodes(rng):
    net, opt, net_t, opt_t = twin_networks(rng)
    agent = srl.ReinforceAgent(net, opt, gamma=0.99)
    agent_t = trl.ReinforceAgent(net_t, opt_t, gamma=0.99)
    for episode in range(20):
        T = int(rng.integers(2, 30))
        states, actions, rewards = rng.standard_normal((T, 4)), rng.integers(0, 2, T), np.ones(T)
        E, E_t = agent.update(states, actions, rewards), agent_t.update(states, actions, rewards)
        np.testing.assert_allclose(E, E_t, rtol=1e-10, atol=1e-12)
        assert_same_weights(net, net_t, f"C1.2-reinforce: after update {episode}")
    s = rng.standard_normal(4)
    assert_twin_close(agent.probabilities(s), torch.from_numpy(agent_t.probabilities(s)), "C1.2-reinforce: π")


def test_td_targets_match_torch(rng):
    q, r, done = rng.standard_normal((8, 2)), rng.standard_normal(8), (rng.random(8) < 0.3).astype(float)
    y = srl.td_targets(q, r, done, 0.9)
    expected = r + 0.9 * (1 - done) * q.max(axis=1)
    np.testing.assert_array_equal(y, expected)
    assert_twin_close(y, trl.td_targets(*map(torch.from_numpy, (q, r, done)), 0.9), "C1.2-dqn: y")


def test_double_dqn_targets_value_the_q_networks_action_with_the_target(rng):
    """Double DQN: y = r + γ(1 − done) Q_target(s′, argmax Q(s′, ·)); where the two networks' argmax
    differ, y is below DQN's max-based target (the over-estimation it removes)."""
    q_target, q_online = rng.standard_normal((64, 2)), rng.standard_normal((64, 2))
    r, done = rng.standard_normal(64), (rng.random(64) < 0.3).astype(float)
    a_star = q_online.argmax(axis=1)
    y = srl.td_targets(q_target, r, done, 0.9, a_star)
    np.testing.assert_array_equal(y, r + 0.9 * (1 - done) * q_target[np.arange(64), a_star])
    y_t = trl.td_targets(*map(torch.from_numpy, (q_target, r, done)), 0.9, torch.from_numpy(a_star))
    assert_twin_close(y, y_t, "C1.2-dqn: Double DQN's y")
    differs = (a_star != q_target.argmax(axis=1)) & (done == 0)
    assert differs.any() and np.all(y[differs] < srl.td_targets(q_target, r, done, 0.9)[differs])


def test_lambda_lr_follows_torchs_factor_in_every_group():
    """C1.2-dqn's schedule: η_k = η_0 · λ(k) per group, k = 0 at construction, as torch's LambdaLR."""
    from scratch.nn.module import Parameter
    from scratch.optim import SGD
    from scratch.optim.lr_scheduler import LambdaLR

    decay = lambda k: 1.0 + min(k / 7, 1.0) * (1e-3 - 1.0)  # noqa: E731 (the config's linear decay)
    groups = [{"params": [Parameter(np.zeros(1))], "lr": 0.3}, {"params": [Parameter(np.zeros(1))]}]
    scheduler = LambdaLR(SGD(groups, lr=0.1), decay)
    groups_t = [{"params": [torch.zeros(1)], "lr": 0.3}, {"params": [torch.zeros(1)]}]
    scheduler_t = torch.optim.lr_scheduler.LambdaLR(torch.optim.SGD(groups_t, lr=0.1), decay)
    seen = []
    for _ in range(10):
        assert scheduler.get_last_lr() == scheduler_t.get_last_lr()
        seen.append(scheduler.get_last_lr()[0])
        scheduler.step(), scheduler_t.optimizer.step(), scheduler_t.step()
    assert seen[0] == 0.3 and seen[7] == seen[9] == 0.3 * decay(7) and seen == sorted(seen, reverse=True)


@pytest.mark.parametrize(
    ("max_grad_norm", "double", "decay"),
    [(None, False, False), (0.05, False, False), (None, True, True)],
    ids=["C1.2-dqn", "C1.2-dqn-clipped", "C1.2-dqn-double-lr-decay"],
)
def test_dqn_updates_match_torch_with_target_syncs(max_grad_norm, double, decay, rng):
    """20 Adam steps on the same mini-batches, the target synced every 5: the same weights after each,
    and the target network really lags between syncs; with ``max_grad_norm`` the gradient's norm is capped
    (C3.2.3-clip-grad) before each step in both twins (0.05 is below every norm here: each step clips);
    with ``double`` and ``decay``, Double DQN's target and a learning rate falling to 1/10 over 20 steps."""
    net, opt, net_t, opt_t = twin_networks(rng)
    schedules = (None, None)
    if decay:
        factor = lambda k: 1.0 - 0.9 * min(k / 20, 1.0)  # noqa: E731
        from scratch.optim.lr_scheduler import LambdaLR

        schedules = LambdaLR(opt, factor), torch.optim.lr_scheduler.LambdaLR(opt_t, factor)
    kwargs = {"gamma": 0.99, "sync_every": 5, "max_grad_norm": max_grad_norm, "double": double}
    agent = srl.DQNAgent(net, opt, scheduler=schedules[0], **kwargs)
    agent_t = trl.DQNAgent(net_t, opt_t, scheduler=schedules[1], **kwargs)
    buffers = srl.ReplayBuffer(50, 4), trl.ReplayBuffer(50, 4)
    for _ in range(60):  # more than the capacity: the ring wraps
        transition = (
            rng.standard_normal(4),
            int(rng.integers(2)),
            1.0,
            rng.standard_normal(4),
            rng.random() < 0.1,
        )
        for buffer in buffers:
            buffer.push(*transition)
    for update in range(1, 21):
        indices = rng.integers(0, 50, 16)
        E, E_t = agent.update(buffers[0].sample(indices)), agent_t.update(buffers[1].sample(indices))
        np.testing.assert_allclose(E, E_t, rtol=1e-10, atol=1e-12)
        assert_same_weights(net, net_t, f"C1.2-dqn: after update {update}")
        norm = np.sqrt(sum(np.sum(p.grad**2) for p in net.parameters()))
        if max_grad_norm is not None:  # the gradient Adam used: max_norm · ‖g‖ / (‖g‖ + 1e-6), ‖g‖ > 0.05
            clipped = max_grad_norm * (1 - 2e-5) < norm <= max_grad_norm
            assert clipped, f"C1.2-dqn: clipped norm {norm} at update {update}"
        lag = np.abs(agent.target_net.state_dict()["0.weight"] - net.state_dict()["0.weight"]).max()
        assert (lag == 0) == (update % 5 == 0), f"C1.2-dqn: target sync at update {update}"
        lr = 0.01 * (1.0 - 0.9 * min(update / 20, 1.0)) if decay else 0.01
        assert opt.param_groups[0]["lr"] == opt_t.param_groups[0]["lr"] == lr, f"C1.2-dqn: lr at {update}"
    assert_same_weights(agent.target_net, agent_t.target_net, "C1.2-dqn: target network")


def test_dqn_gradient_flows_only_through_the_action_taken(rng):
    net, opt, _, _ = twin_networks(rng)
    agent = srl.DQNAgent(net, opt, gamma=0.99, sync_every=100)
    s = rng.standard_normal((3, 4))
    batch = (s, np.array([0, 0, 0]), np.zeros(3), s, np.ones(3))  # done: y = r = 0
    agent.update(batch)
    # only Q(·, 0)'s output row of the last layer gets a gradient
    last = [p for p in net.parameters()][-2]
    assert np.all(last.grad[1] == 0) and np.any(last.grad[0] != 0)
