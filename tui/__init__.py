"""cnn_tui.tui: the Textual dashboard, the inspector and the `cnn-tui` command line."""
