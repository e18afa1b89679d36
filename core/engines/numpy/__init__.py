"""Provides ``NumpyEngine``: the vectorised NumPy implementation of the ``Engine`` protocol.

Modules: ``engine`` (data, forward/backward wiring, predict, inspect, saliency), one per layer —
``conv`` (Conv3x3), ``pool`` (MaxPoolReLU), ``dense`` (Dense), ``loss`` (softmax and the loss) —
``parameters`` (where the weights, gradients and momentum live), ``sgd`` (the update) and
``buffers`` (work arrays reused per batch size).

Shape convention (the whole engine): activations are **CHWN** — (channels, height, width, batch) —
and dense activations are (features, batch). With the batch innermost:

* flattening a (C, H, W, N) map in CHW order is a free reshape to (C·H·W, N);
* every conv, pool and dense step is one matrix product or a few whole-array operations on views
  whose inner loop runs over the batch (contiguous);
* nothing is transposed per batch.

Each layer's ``forward(x)`` keeps what ``backward`` needs; ``backward(grad_out)`` stores
``grad_<param>`` on the layer and returns the gradient for its input. Work buffers are allocated
once per batch size and reused (``BufferCache``), so a training step allocates almost nothing.
"""

from __future__ import annotations

from cnn_tui.core.engines.numpy.engine import NumpyEngine

__all__ = ["NumpyEngine"]
