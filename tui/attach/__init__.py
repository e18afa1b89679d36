"""The viewer side of `cnn-tui attach`: a served run reached over a socket, as a TrainerLink."""
