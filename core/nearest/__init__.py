"""The nearest training digits: the training set's dense features under one set of weights, and
the k digits closest to a query among them (Euclidean distance)."""
