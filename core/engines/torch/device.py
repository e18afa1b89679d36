"""Provides ``pick_device``: where the torch engine's tensors live, and its CPU thread count.

CUDA when ``torch.cuda.is_available()``, else the CPU. On the CPU the thread count is the cores
this process may use (``os.sched_getaffinity``: PyTorch's own default counts the machine's cores,
too many in a container or a shared box) — unless ``OMP_NUM_THREADS`` says otherwise (set by the
user, or by the headless run, which asks for one thread on this 2-core machine: see
tui/cli/headless.py), which PyTorch already honours.
"""

from __future__ import annotations

import os

import torch


def usable_cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def pick_device() -> torch.device:
    """CUDA if present, else the CPU (with its thread count set as the module says)."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(usable_cores())
    return torch.device("cpu")
