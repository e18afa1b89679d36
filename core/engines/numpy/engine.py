"""Provides ``NumpyEngine``: the vectorised engine behind the ``Engine`` protocol (interface.py).

Network (CHWN layout, batch innermost, see __init__.py), default architecture shown:

    uint8 (N, 784) ─/255→ x (1, 28, 28, N)
      → Conv3x3 1→8 → z (8, 2, 2, 13, 13, N), the 4 corners of every pooling window
      → MaxPoolReLU → (8, 13, 13, N)                                    [repeated per conv layer]
      → reshape (1352, N) in CHW order → Dense 1352→128 → ReLU → Dense 128→10 → softmax

A training step allocates almost nothing: every layer keeps its work buffers per batch size.

Parameters are exchanged as flat lists in the canonical layout of core/engines/params.py; inside
they are NumPy arrays of ``dtype`` ("float32" for speed, "float64" to compare with the
pure-Python engines), kept by ``Parameters`` (parameters.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cnn_tui.core.contract.config import IMAGE_SIDE, NUM_CLASSES, Architecture, Hyperparameters
from cnn_tui.core.contract.events import ConvView
from cnn_tui.core.data.dataset import PIXELS, Dataset
from cnn_tui.core.engines.interface import BatchResult, Inspection, Predictions, predict_stop
from cnn_tui.core.engines.numpy.buffers import BufferCache
from cnn_tui.core.engines.numpy.conv import Conv3x3
from cnn_tui.core.engines.numpy.dense import Dense
from cnn_tui.core.engines.numpy.loss import LOSS_EPSILON, cross_entropy, softmax
from cnn_tui.core.engines.numpy.observe import StepObserver
from cnn_tui.core.engines.numpy.parameters import Parameters, fill
from cnn_tui.core.engines.numpy.pool import MaxPoolReLU
from cnn_tui.core.engines.numpy.sgd import Sgd
from cnn_tui.core.engines.observation import Observation
from cnn_tui.core.engines.params import FlatParams

PREDICT_CHUNK = 64
"""Images per forward pass in ``predict``: measured fastest here (64: ~51k images/s; 128: ~23k;
500: ~20k) — the work buffers of larger chunks no longer stay in the cache."""

MAX_CACHED_DATASETS = 4


def quiet() -> np.errstate:
    """A diverging network (inf/NaN) is reported through the loss, not by NumPy warnings on
    stderr: this context silences them."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


class NumpyEngine:
    """The NumPy engine. ``NumpyEngine(arch, init_params(arch, seed), dtype="float32")``."""

    name = "numpy"

    def __init__(self, arch: Architecture, params: FlatParams, dtype: str = "float32") -> None:
        if dtype not in ("float32", "float64"):
            raise ValueError(f"dtype {dtype!r} is not float32 or float64")
        self.arch = arch
        self.dtype = np.dtype(dtype)
        self.convs: list[Conv3x3] = []
        self.pools: list[MaxPoolReLU] = []
        side = IMAGE_SIDE
        for in_channels, out_channels, _conv_side, pooled_side in arch.conv_shapes():
            self.convs.append(Conv3x3(in_channels, out_channels, side, self.dtype))
            self.pools.append(MaxPoolReLU(out_channels, pooled_side, self.dtype))
            side = pooled_side
        self.dense1 = Dense(arch.flat_size, arch.hidden, self.dtype)
        self.dense2 = Dense(arch.hidden, NUM_CLASSES, self.dtype)
        parameters = Parameters(self.convs, self.dense1, self.dense2, self.dtype)
        self._weights, self._grads = parameters.weights, parameters.grads
        self._velocity_arrays, self._sgd = parameters.velocity, parameters.sgd
        self._inputs: BufferCache[tuple[np.ndarray, np.ndarray]] = BufferCache(self._make_input)
        self._columns: BufferCache[np.ndarray] = BufferCache(lambda n: np.arange(n, dtype=np.intp))
        self._views: dict[int, tuple[Dataset, np.ndarray, np.ndarray]] = {}
        self._hidden: np.ndarray | None = None
        self.set_params(params)

    # --- parameters -------------------------------------------------------------------------

    def param_arrays(self) -> dict[str, np.ndarray]:
        """Canonical name → writable NumPy view of each parameter (canonical shape, no copy)."""
        return dict(self._weights)

    def get_params(self) -> FlatParams:
        return {name: a.ravel().tolist() for name, a in self._weights.items()}

    def set_params(self, params: FlatParams) -> None:
        fill(self._weights, params, "parameter")

    def get_velocity(self) -> FlatParams:
        self._sgd.settle()
        return {name: a.ravel().tolist() for name, a in self._velocity_arrays.items()}

    def set_velocity(self, velocity: FlatParams) -> None:
        fill(self._velocity_arrays, velocity, "velocity")
        self._sgd.forget()

    # --- data -------------------------------------------------------------------------------

    def _view(self, data: Dataset) -> tuple[np.ndarray, np.ndarray]:
        """(count, 784) uint8 images and (count,) uint8 labels over ``data``'s bytes, no copy."""
        found = self._views.get(id(data))
        if found is None or found[0] is not data:
            if len(self._views) >= MAX_CACHED_DATASETS:
                del self._views[next(iter(self._views))]
            images = np.frombuffer(data.images, np.uint8).reshape(-1, PIXELS)
            labels = np.frombuffer(data.labels, np.uint8)
            found = self._views[id(data)] = (data, images, labels)  # keeps data alive: id stays
        return found[1], found[2]

    def _make_input(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        return np.empty((n, PIXELS), np.uint8), np.empty((1, IMAGE_SIDE, IMAGE_SIDE, n), self.dtype)

    def _to_input(self, pixels: np.ndarray) -> np.ndarray:
        """uint8 (N, 784) → x (1, 28, 28, N) = pixel / 255 (a reused buffer)."""
        _, x = self._inputs.get(pixels.shape[0])
        # one pass: uint8 → dtype, / 255, transposed to pixels-major (a 256-entry lookup table via
        # np.take measured 2.4× slower); bit-identical to pixel / 255 in dtype
        np.divide(pixels.T, 255, out=x.reshape(PIXELS, -1), dtype=self.dtype)
        return x

    # --- the network ------------------------------------------------------------------------

    def _forward(self, x: np.ndarray, observer: StepObserver | None = None) -> np.ndarray:
        """x (1, 28, 28, N) in [0, 1] → logits (10, N); ``observer`` sees every ReLU output."""
        a = x
        for k, (conv, pool) in enumerate(zip(self.convs, self.pools, strict=True), start=1):
            a = pool.forward(conv.forward(a))  # (C, S, S, N)
            if observer is not None:
                observer.relu(f"conv{k}", pool.channels, a)
        hidden = self.dense1.forward(a.reshape(-1, a.shape[-1]))  # CHW flatten: (flat, N)
        np.maximum(hidden, 0.0, out=hidden)  # ReLU in place
        if observer is not None:
            observer.relu("dense1", 1, hidden)
        self._hidden = hidden
        return self.dense2.forward(hidden)

    def _backward(self, grad_logits: np.ndarray, need_input: bool = False) -> np.ndarray | None:
        """grad_logits (10, N) → every layer's gradient; returns ∂/∂x (1, 28, 28, N) if asked."""
        assert self._hidden is not None
        grad_hidden = self.dense2.backward(grad_logits, need_input=True)
        assert grad_hidden is not None
        grad_hidden *= self._hidden > 0.0  # ReLU'
        grad = self.dense1.backward(grad_hidden, need_input=True)
        assert grad is not None
        pooled = self.pools[-1]
        grad = grad.reshape(pooled.channels, pooled.side, pooled.side, -1)
        for i in range(len(self.convs) - 1, -1, -1):
            grad_z = self.pools[i].backward(grad)
            grad_input = self.convs[i].backward(grad_z, need_input=need_input or i > 0)
            if grad_input is None:
                return None  # the first layer's input gradient was not asked for
            grad = grad_input
        return grad

    def _loss_gradient(
        self, logits: np.ndarray, labels: np.ndarray, scale: float
    ) -> tuple[float, int, np.ndarray]:
        """Mean loss, correct count, and scale · (p − onehot) / N at the logits (10, N)."""
        n = labels.shape[0]
        probabilities = softmax(logits)
        at_label = (labels, self._columns.get(n))  # p[label, n]
        # the loss as cross_entropy's mean, in fewer calls: −(Σ log(p_label + ε)) / N
        log_p = probabilities[at_label].astype(np.float64)
        log_p += LOSS_EPSILON
        np.log(log_p, out=log_p)
        loss = -float(np.add.reduce(log_p)) / n
        correct = int(np.count_nonzero(probabilities.argmax(axis=0) == labels))
        grad = probabilities
        factor = scale / n
        grad *= factor
        grad[at_label] -= factor
        return loss, correct, grad

    def train_batch(
        self,
        data: Dataset,
        indices: Sequence[int],
        hyper: Hyperparameters,
        observe: Observation | None = None,
    ) -> BatchResult:
        index = np.asarray(indices, dtype=np.intp)
        n = index.shape[0]
        if n == 0:
            raise ValueError("train_batch needs at least one image index")
        if not Sgd.is_fast(hyper):
            self._sgd.settle()  # the pending velocity lives in the gradient buffers
        images, labels = self._view(data)
        pixels, _ = self._inputs.get(n)
        np.take(images, index, axis=0, out=pixels)
        batch_labels = labels[index]
        observer = StepObserver(observe, self._weights, self._grads) if observe else None
        scale = Sgd.grad_scale(hyper)
        with quiet():
            logits = self._forward(self._to_input(pixels), observer)
            loss, correct, grad = self._loss_gradient(logits, batch_labels, scale)
            self._backward(grad)
            if observer is None:
                self._sgd.step(hyper)
                return BatchResult(loss, correct)
            observer.before_update(scale, Sgd.is_fast(hyper))  # observe.py: the buffers' content
            self._sgd.step(hyper)
            observer.after_update()
        return BatchResult(loss, correct, observer.result())

    def loss_and_gradients(
        self, data: Dataset, indices: Sequence[int]
    ) -> tuple[float, dict[str, np.ndarray]]:
        """Mean loss and its gradient (copies, canonical names/shapes), without updating."""
        self._sgd.settle()
        index = np.asarray(indices, dtype=np.intp)
        images, labels = self._view(data)
        logits = self._forward(self._to_input(images[index]))
        loss, _, grad = self._loss_gradient(logits, labels[index], 1.0)
        self._backward(grad)
        return loss, {name: g.copy() for name, g in self._grads.items()}

    def logits(self, pixels: np.ndarray) -> np.ndarray:
        """Float pixels (N, 784) in [0, 1] → logits (N, 10). For tests and tools."""
        n = pixels.shape[0]
        x = np.ascontiguousarray(pixels.T, dtype=self.dtype).reshape(1, IMAGE_SIDE, IMAGE_SIDE, n)
        logits: np.ndarray = self._forward(x).T.copy()
        return logits

    def predict(self, data: Dataset, start: int = 0, stop: int | None = None) -> Predictions:
        images, labels = self._view(data)
        stop = predict_stop(data, start, stop)
        total_loss = 0.0
        predicted: list[int] = []
        probabilities: list[list[float]] = []
        for lo in range(start, stop, PREDICT_CHUNK):
            hi = min(lo + PREDICT_CHUNK, stop)
            with quiet():
                logits = self._forward(self._to_input(images[lo:hi]))
                p = softmax(logits)  # (10, n)
                total_loss += float(cross_entropy(p, labels[lo:hi]).sum())
            predicted.extend(p.argmax(axis=0).tolist())
            probabilities.extend(p.T.tolist())
        count = stop - start
        return Predictions(total_loss / count if count else 0.0, predicted, probabilities)

    def dense_features(
        self, data: Dataset, start: int = 0, stop: int | None = None
    ) -> list[list[float]]:
        """h = ReLU(W1·flat + b1) per image (features.py: as an array, for core/nearest/)."""
        from cnn_tui.core.engines.numpy.features import dense_feature_array

        rows: list[list[float]] = dense_feature_array(self, data, start, stop).tolist()
        return rows

    # --- one image, for display -------------------------------------------------------------

    def _one_image(self, image: bytes) -> np.ndarray:
        if len(image) != PIXELS:
            raise ValueError(f"an image is {PIXELS} bytes, not {len(image)}")
        return self._to_input(np.frombuffer(image, np.uint8).reshape(1, PIXELS))

    def inspect(self, image: bytes) -> Inspection:
        a = self._one_image(image)
        layers = []
        for conv, pool in zip(self.convs, self.pools, strict=True):
            maps = np.maximum(conv.full_maps(a[..., 0]), 0.0)  # (C, S, S) after ReLU
            a = pool.forward(conv.forward(a))
            layers.append(
                ConvView(
                    channels=conv.out_channels,
                    in_channels=conv.in_channels,
                    side=conv.side,
                    pooled_side=pool.side,
                    maps=tuple(maps.ravel().tolist()),
                    pooled=tuple(a[..., 0].ravel().tolist()),
                    kernels=tuple(conv.kernels.ravel().tolist()),
                    biases=tuple(conv.bias.tolist()),
                )
            )
        hidden = self.dense1.forward(a.reshape(-1, 1))
        np.maximum(hidden, 0.0, out=hidden)
        logits = self.dense2.forward(hidden)
        p = softmax(logits)[:, 0]
        return Inspection(tuple(p.tolist()), tuple(layers))

    def saliency(self, image: bytes, target: int) -> list[float]:
        if not 0 <= target < NUM_CLASSES:
            raise ValueError(f"target class {target} is not 0–{NUM_CLASSES - 1}")
        self._sgd.settle()
        logits = self._forward(self._one_image(image))
        grad_logits = np.zeros_like(logits)
        grad_logits[target, 0] = 1.0  # ∂ logit[target] / ∂ logits
        grad_x = self._backward(grad_logits, need_input=True)
        assert grad_x is not None
        pixels: list[float] = grad_x.ravel().tolist()  # (1, 28, 28, 1) → 784, row-major
        return pixels
