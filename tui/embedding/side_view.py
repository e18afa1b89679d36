"""Provides ``MapSide``: the panel beside the embedding map — the legend of classes (a colour
swatch each, or under NO_COLOR the glyph each class is drawn with) and the digit the cursor names:
its test index, true class, the network's answer and confidence, and the digit itself.

The image comes from the test set on this machine (``ViewsScreen.test_images``); where there is
none (a viewer without the data set) the panel says so and the rest still reads.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from rich.segment import Segment

from cnn_tui.core.contract.class_names import class_name, fit_name, names_width
from cnn_tui.core.contract.embedding_events import EmbeddingComputed
from cnn_tui.tui.dashboard.state import TrainingState
from cnn_tui.tui.embedding.scatter_view import CLASSES, MapPanel
from cnn_tui.tui.inspector.render import digit_lines
from cnn_tui.tui.render.halfblock import Line, SegmentLines
from cnn_tui.tui.render.scatter import CLASS_GLYPHS, MISTAKE_GLYPH

SWATCH = "⣿"
NAME_LIMIT = 11
"""Cells a class name may take in the legend (longer ones end in …)."""
ABOUT = (
    "Each dot is a test digit, placed by the dense layer's features along their two main "
    "directions (PCA). The classes pull apart as the network learns."
)
DIGIT_SIDES = (28, 20, 14)
"""The digit's size in pixels (half as many rows), the largest that fits."""


class MapSide(MapPanel):
    """The legend and the named digit."""

    def __init__(self, state: TrainingState, *, id: str | None = None) -> None:
        super().__init__(state, id=id)
        self.map: EmbeddingComputed | None = None
        self.named: int | None = None
        self.focus_class: int | None = None
        self.images: Callable[[int], bytes | None] | None = None
        self.can_inspect = True
        self.marks_on = True
        self._image_of: tuple[int | None, bytes | None] = (None, None)

    def build(self, width: int, height: int) -> SegmentLines:
        lines = self.legend(width)
        lines.append([])
        info = self.digit_info(width)
        room = height - len(lines) - len(info) - 1
        image = self._image()
        if image is not None:
            side = next((s for s in DIGIT_SIDES if s // 2 <= room and s <= width), 0)
            if side:
                info[2:2] = digit_lines(image, side, colour_on=self.colour_on)
        lines += info
        about = textwrap.wrap(ABOUT, max(10, width))
        if height - len(lines) > len(about):
            lines += [[]] * (height - len(lines) - len(about))
            lines += [[Segment(text, self.role("muted"))] for text in about]
        return SegmentLines(lines)

    def _image(self) -> bytes | None:
        """The named digit's image (the last one is kept: a repaint does not read it again)."""
        if self.images is None or self.named is None:
            return None
        if self._image_of[0] != self.named:
            self._image_of = (self.named, self.images(self.named))
        return self._image_of[1]

    def legend(self, width: int) -> list[Line]:
        """The classes in rows that fit ``width``, then what × means."""
        names = self.state.class_names
        muted = self.role("muted")
        if not self.colour_on and not names:  # MNIST: each digit drawn as its class
            return [
                [Segment("0–9", None), Segment(" a digit of that class", muted)],
                [
                    Segment(MISTAKE_GLYPH, None),
                    Segment(" a mistake" if self.marks_on else " hidden (x)", muted),
                ],
            ]
        styles = self.class_styles()
        name_w = names_width(names, NAME_LIMIT) if names else 1
        per_row = max(1, (width + 2) // (name_w + 4))  # an entry: mark, name, two spaces
        per_row = -(-CLASSES // -(-CLASSES // per_row))  # the rows as even as they can be
        lines: list[Line] = []
        for first in range(0, CLASSES, per_row):
            line: Line = []
            for k in range(first, min(CLASSES, first + per_row)):
                mark = SWATCH if self.colour_on else CLASS_GLYPHS[k]
                focused = self.focus_class is None or self.focus_class == k
                style = styles[f"c{k}"] if focused else muted
                text = fit_name(class_name(names, k), name_w) if names else str(k)
                line += [Segment(mark, style), Segment(f" {text}  ", None if focused else muted)]
            lines.append(line)
        said = "in its true class's colour" if self.colour_on else "the cursor names it"
        said = f"a mistake, {said}" if self.marks_on else "mistakes hidden (x shows)"
        note = textwrap.wrap(said, max(10, width - 2))
        lines.append([Segment(MISTAKE_GLYPH, None), Segment(f" {note[0]}", muted)])
        lines += [[Segment(f"  {more}", muted)] for more in note[1:]]
        return lines

    def digit_info(self, width: int) -> list[Line]:
        """What the cursor names: two lines above the digit, the key below it."""
        muted = self.role("muted")
        emb, i = self.map, self.named
        if emb is None:
            return []
        if i is None or not 0 <= i < len(emb.xs):
            return [
                [Segment("arrows move the cursor", muted)],
                [Segment("n: most confident mistake", muted)],
            ]
        names = self.state.class_names
        true, said = class_name(names, emb.labels[i]), class_name(names, emb.predicted[i])
        sure = f"{100 * emb.confidence[i]:.0f}%"
        styles = self.class_styles()
        head: Line = [
            Segment(f"test #{i:,} ", None),
            Segment(f"true {true}", styles[f"c{emb.labels[i]}"]),
        ]
        if emb.labels[i] == emb.predicted[i]:
            verdict: Line = [Segment(f"network says {said} {sure} ✓", None)]
        else:
            verdict = [
                Segment(f"network says {said} {sure} ", None),
                Segment("✗", self.role("wrong")),
            ]
        lines: list[Line] = [head, verdict]
        if self.images is None:
            lines.append([Segment("(no test images here to show it)", muted)])
        elif self._image() is None:
            lines.append([Segment("(its image could not be read)", muted)])
        key = "enter: open in the inspector" if self.can_inspect else "(no inspector here)"
        lines.append([Segment(key, muted)])
        return [_crop(line, width) for line in lines]


def _crop(line: Sequence[Segment], width: int) -> Line:
    return Segment.adjust_line_length(list(line), width) if width > 0 else []
