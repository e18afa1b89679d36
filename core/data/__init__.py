"""MNIST: the in-memory dataset, IDX reading and validation, finding and downloading the files.

dataset.py       Dataset: images and labels as the raw bytes of the IDX files
mnist_files.py   the four published files: names, decompressed sizes, SHA-256
errors.py        DataError (one line: file, problem, fix) and how paths show in it
idx.py           one IDX file (raw or gzip), checked byte by byte before it is trusted
locate.py        where the data folder is: --data, $CNN_TUI_DATA, ./data/mnist, the cache
load.py          load_mnist / load_test_set / check_mnist; is_mnist by digest
download.py      download_mnist: mirrors in turn, .part files, verify, atomic rename
fetch.py         one HTTP(S) GET: size caps, no TLS downgrade, one stall budget
progress_bar.py  the download's progress bar on stderr
"""
