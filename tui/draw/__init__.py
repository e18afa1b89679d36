"""Draw a digit (``d``): the canvas screen and the sources that show the network the drawing."""

from cnn_tui.tui.draw.screen import DrawScreen
from cnn_tui.tui.draw.source import DrawingSource, LinkDrawing, LocalDrawing

__all__ = ["DrawScreen", "DrawingSource", "LinkDrawing", "LocalDrawing"]
