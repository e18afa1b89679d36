"""MNIST: the in-memory dataset, IDX reading and validation, finding and downloading the files."""
