"""Provides ``TorchEngine``: the PyTorch implementation of the ``Engine`` protocol (interface.py).

Parameters are tensors in the canonical names and shapes of core/engines/params.py (already
PyTorch's: conv (out, in, 3, 3), dense (out, in)), of ``dtype`` — "float32" for speed, "float64"
to compare with the NumPy engine — on the device ``pick_device`` chooses. Forward and backward are
PyTorch's (autograd), except the gradient at the logits, which is the report's (p − onehot) / N
rather than the derivative of −log(p + ε) (the two differ by the ε), as in every engine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

from cnn_tui.core.contract.config import IMAGE_SIDE, NUM_CLASSES, Architecture, Hyperparameters
from cnn_tui.core.contract.events import ConvView
from cnn_tui.core.data.dataset import PIXELS, Dataset
from cnn_tui.core.engines.interface import BatchResult, Inspection, Predictions, predict_stop
from cnn_tui.core.engines.observation import Observation
from cnn_tui.core.engines.params import FlatParams, param_shapes
from cnn_tui.core.engines.torch.device import pick_device
from cnn_tui.core.engines.torch.network import Params, conv_block, forward, head
from cnn_tui.core.engines.torch.observe import StepObserver
from cnn_tui.core.engines.torch.sgd import sgd_step

LOSS_EPSILON = 1e-10
"""The report's ε in −log(p + ε)."""

PREDICT_CHUNK = 1000
"""Images per forward pass in ``predict`` (bounded memory; PyTorch's kernels like big batches)."""

MAX_CACHED_DATASETS = 4

DTYPES = {"float32": torch.float32, "float64": torch.float64}


class TorchEngine:
    """The PyTorch engine. ``TorchEngine(arch, init_params(arch, seed), dtype="float32")``."""

    name = "torch"

    def __init__(self, arch: Architecture, params: FlatParams, dtype: str = "float32") -> None:
        if dtype not in DTYPES:
            raise ValueError(f"dtype {dtype!r} is not float32 or float64")
        self.arch = arch
        self.dtype = DTYPES[dtype]
        self.device = pick_device()
        self.shapes = param_shapes(arch)
        self._params: Params = {
            name: torch.zeros(shape, dtype=self.dtype, device=self.device, requires_grad=True)
            for name, shape in self.shapes.items()
        }
        self._velocity: Params = {name: torch.zeros_like(p) for name, p in self._params.items()}
        self._data: dict[int, tuple[Dataset, torch.Tensor, torch.Tensor]] = {}
        self.set_params(params)

    # --- parameters -------------------------------------------------------------------------

    def _fill(self, targets: Params, values: FlatParams, what: str) -> None:
        """Copy flat lists into ``targets``; every name and size is checked before anything is
        written (ValueError names the first wrong one)."""
        missing = targets.keys() - values.keys()
        if missing:
            raise ValueError(f"{what} {sorted(missing)[0]!r} is missing")
        for name, shape in self.shapes.items():
            if len(values[name]) != math.prod(shape):
                raise ValueError(
                    f"{what} {name!r} has {len(values[name])} values, expected {math.prod(shape)}"
                )
        with torch.no_grad():
            for name, tensor in targets.items():
                flat = torch.tensor(values[name], dtype=torch.float64)  # exact, then rounded once
                tensor.copy_(flat.reshape(tensor.shape))

    @staticmethod
    def _flat(tensors: Params) -> FlatParams:
        return {name: t.detach().cpu().reshape(-1).tolist() for name, t in tensors.items()}

    def get_params(self) -> FlatParams:
        return self._flat(self._params)

    def set_params(self, params: FlatParams) -> None:
        self._fill(self._params, params, "parameter")

    def get_velocity(self) -> FlatParams:
        return self._flat(self._velocity)

    def set_velocity(self, velocity: FlatParams) -> None:
        self._fill(self._velocity, velocity, "velocity")

    # --- data -------------------------------------------------------------------------------

    def _tensors(self, data: Dataset) -> tuple[torch.Tensor, torch.Tensor]:
        """(count, 784) uint8 images and (count,) int64 labels of ``data`` on the device (copied
        once per dataset, then cached)."""
        found = self._data.get(id(data))
        if found is None or found[0] is not data:
            if len(self._data) >= MAX_CACHED_DATASETS:
                del self._data[next(iter(self._data))]
            images = np.frombuffer(data.images, np.uint8).reshape(-1, PIXELS)
            labels = np.frombuffer(data.labels, np.uint8).astype(np.int64)
            found = self._data[id(data)] = (  # keeps data alive: its id stays unique
                data,
                torch.from_numpy(images.copy()).to(self.device),
                torch.from_numpy(labels).to(self.device),
            )
        return found[1], found[2]

    def _to_input(self, pixels: torch.Tensor) -> torch.Tensor:
        """uint8 (N, 784) → x (N, 1, 28, 28) = pixel / 255 in the engine's dtype (correctly
        rounded, so bit-identical to the NumPy engine's input)."""
        return (pixels.to(self.dtype) / 255).reshape(-1, 1, IMAGE_SIDE, IMAGE_SIDE)

    # --- training ---------------------------------------------------------------------------

    def train_batch(
        self,
        data: Dataset,
        indices: Sequence[int],
        hyper: Hyperparameters,
        observe: Observation | None = None,
    ) -> BatchResult:
        n = len(indices)
        if n == 0:
            raise ValueError("train_batch needs at least one image index")
        images, labels = self._tensors(data)
        index = torch.as_tensor(indices, dtype=torch.int64, device=self.device)
        batch_labels = labels[index]
        for p in self._params.values():
            p.grad = None
        observer = StepObserver(observe, self._params, self._velocity) if observe else None
        taps = observer.taps if observer else None
        logits = forward(self._params, self._to_input(images[index]), taps)  # (N, 10)
        with torch.no_grad():
            probabilities = torch.softmax(logits, dim=1)  # max-subtracted inside
            rows = torch.arange(n, device=self.device)
            p_label = probabilities[rows, batch_labels].to(torch.float64)
            loss = -float(torch.log(p_label + LOSS_EPSILON).sum()) / n  # mean −log(p + ε)
            correct = int((probabilities.argmax(dim=1) == batch_labels).sum())
            grad = probabilities / n  # ∂L/∂logits = (p − onehot) / N
            grad[rows, batch_labels] -= 1.0 / n
        logits.backward(grad)
        if observer is None:
            sgd_step(self._params, self._velocity, hyper)
            return BatchResult(loss, correct)
        observer.before_update()  # the gradients before sgd_step adds weight decay to them
        sgd_step(self._params, self._velocity, hyper)
        observer.after_update(hyper.lr)
        return BatchResult(loss, correct, observer.result())

    # --- evaluation -------------------------------------------------------------------------

    def predict(self, data: Dataset, start: int = 0, stop: int | None = None) -> Predictions:
        images, labels = self._tensors(data)
        stop = predict_stop(data, start, stop)
        total_loss = 0.0
        predicted: list[int] = []
        probabilities: list[list[float]] = []
        with torch.inference_mode():
            for lo in range(start, stop, PREDICT_CHUNK):
                hi = min(lo + PREDICT_CHUNK, stop)
                p = torch.softmax(forward(self._params, self._to_input(images[lo:hi])), dim=1)
                rows = torch.arange(hi - lo, device=self.device)
                p_label = p[rows, labels[lo:hi]].to(torch.float64)
                total_loss += float(-torch.log(p_label + LOSS_EPSILON).sum())
                predicted.extend(p.argmax(dim=1).tolist())  # ties: the first maximum
                probabilities.extend(p.cpu().tolist())
        count = stop - start
        return Predictions(total_loss / count if count else 0.0, predicted, probabilities)

    def dense_features(
        self, data: Dataset, start: int = 0, stop: int | None = None
    ) -> list[list[float]]:
        """h = ReLU(W1·flat + b1) (hidden,) per image of ``start:stop`` (the last forward tap)."""
        rows: list[list[float]] = self.dense_feature_array(data, start, stop).tolist()
        return rows

    def dense_feature_array(
        self, data: Dataset, start: int = 0, stop: int | None = None
    ) -> np.ndarray:
        """The same as one NumPy array (stop − start, hidden), for core/nearest/ (60,000 rows as
        lists take seconds to build)."""
        images, _ = self._tensors(data)
        stop = len(data) if stop is None else stop
        if not 0 <= start <= stop <= len(data):
            raise ValueError(f"range {start}:{stop} is outside {data.name} (0:{len(data)})")
        out = np.empty((stop - start, self.arch.hidden), np.float64)
        with torch.inference_mode():
            for lo in range(start, stop, PREDICT_CHUNK):
                taps: list[torch.Tensor] = []
                hi = min(lo + PREDICT_CHUNK, stop)
                forward(self._params, self._to_input(images[lo:hi]), taps)  # taps[-1]: h
                out[lo - start : hi - start] = taps[-1].cpu().numpy()  # (n, hidden)
        return out

    # --- one image, for display -------------------------------------------------------------

    def _one_image(self, image: bytes) -> torch.Tensor:
        if len(image) != PIXELS:
            raise ValueError(f"an image is {PIXELS} bytes, not {len(image)}")
        pixels = torch.frombuffer(bytearray(image), dtype=torch.uint8).to(self.device)
        return self._to_input(pixels.reshape(1, PIXELS))

    def inspect(self, image: bytes) -> Inspection:
        layers = []
        with torch.inference_mode():
            a = self._one_image(image)
            for k, (in_channels, channels, side, pooled_side) in enumerate(
                self.arch.conv_shapes(), start=1
            ):
                z, a = conv_block(self._params, k, a)
                layers.append(
                    ConvView(
                        channels=channels,
                        in_channels=in_channels,
                        side=side,
                        pooled_side=pooled_side,
                        maps=tuple(torch.relu(z[0]).reshape(-1).tolist()),  # (C, S, S) after ReLU
                        pooled=tuple(a[0].reshape(-1).tolist()),
                        kernels=tuple(self._params[f"conv{k}.weight"].reshape(-1).tolist()),
                        biases=tuple(self._params[f"conv{k}.bias"].tolist()),
                    )
                )
            p = torch.softmax(head(self._params, a), dim=1)[0]
        return Inspection(tuple(p.tolist()), tuple(layers))

    def saliency(self, image: bytes, target: int) -> list[float]:
        if not 0 <= target < NUM_CLASSES:
            raise ValueError(f"target class {target} is not 0–{NUM_CLASSES - 1}")
        x = self._one_image(image).requires_grad_(True)
        frozen = {name: p.detach() for name, p in self._params.items()}  # no .grad written
        logits = forward(frozen, x)
        (grad_x,) = torch.autograd.grad(logits[0, target], x)  # ∂ logit[target] / ∂ pixel
        pixels: list[float] = grad_x.reshape(-1).tolist()  # (1, 1, 28, 28) → 784, row-major
        return pixels
