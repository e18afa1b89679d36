"""The drawing view's pure parts: a 28×28 canvas painted with an anti-aliased brush, and the MNIST
preprocessing that turns a drawing into what the network receives."""
