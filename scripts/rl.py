"""C1.2-reinforce, C1.2-dqn: REINFORCE and DQN balance gymnasium's CartPole-v1, both twins paired.

Every random draw (initial weights, environment seeds, actions, ε, replay indices) comes from one NumPy
generator per seed and feeds both twins until their actions first split, where the run forks and each twin
goes on alone; each seed prints when each twin solved CartPole (the last 100 episodes' mean return ≥ 475),
the fork and the largest weight difference before it; the last lines per algorithm are each twin's
episodes-to-solve spread over the seeds. TensorBoard: runs under --logdir; --outdir writes the
Korean return figure and a GIF of each trained policy.

Usage: python scripts/rl.py [--algorithm {reinforce,dqn,both}] [--seeds 0 1 2 3 4]
                            [--impl {scratch,torch,both}] [--episodes N] [--logdir runs/rl | --no-tensorboard]
                            [--outdir docs/figures/rl]
"""

from twin_nets.rl.command import main

if __name__ == "__main__":
    raise SystemExit(main())
