"""The embedding map (key ``p``): the test digits in the dense layer's feature space, in 2-D."""
