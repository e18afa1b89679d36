"""``--dataset``'s sets: each downloads from a local server (generated files, their checksums),
the MD5-verified sets refuse a changed gzip and a raw copy, and the table matches the flag."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
from pathlib import Path

import pytest

from cnn_tui.core.data import sets
from cnn_tui.core.data.download import DownloadError, download_mnist
from cnn_tui.core.data.mnist_files import MnistFile
from cnn_tui.core.data.sets import DATASETS, DataSetInfo
from cnn_tui.core.data.verify import verify_file
from cnn_tui.tui.cli.arg_types import DATASET_NAMES
from cnn_tui.tui.cli.main import main
from tests.core.download_server import RAW, SERVED, FaultServer


def local_files(info: DataSetInfo) -> tuple[MnistFile, ...]:
    """The served files' identities, checked the way ``info`` checks its real ones."""
    if info.files[0].gz_md5:
        return tuple(
            MnistFile(s, len(RAW[s]), "", hashlib.md5(SERVED[s + ".gz"]).hexdigest()) for s in RAW
        )
    return tuple(MnistFile(s, len(RAW[s]), hashlib.sha256(RAW[s]).hexdigest()) for s in RAW)


def test_the_flag_offers_exactly_the_table_and_each_set_has_ten_classes() -> None:
    assert tuple(DATASETS) == DATASET_NAMES
    for info in DATASETS.values():
        assert len(info.class_names) == sets.CLASS_COUNT
        assert [f.stem for f in info.files] == list(RAW)
        assert all(bool(f.sha256) != bool(f.gz_md5) for f in info.files)  # one checksum each
    assert sets.FASHION_MNIST.class_names[7] == "Sneaker"


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_each_set_downloads_through_the_command(
    name: str, fault_server: FaultServer, tmp_path: Path, monkeypatch, capsys
) -> None:
    info = DATASETS[name]
    served = dataclasses.replace(
        info,
        mirrors=(fault_server.mirror("404"), fault_server.mirror("good")),
        files=local_files(info),
    )
    monkeypatch.setitem(DATASETS, name, served)
    folder = tmp_path / name
    code = main(["download", "--dataset", name, "--data", str(folder), "--timeout", "2"])
    assert code == 0
    assert f"{info.title} is ready in {folder} (4 files verified)" in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == sorted(SERVED)
    for stem, data in RAW.items():
        assert gzip.decompress((folder / f"{stem}.gz").read_bytes()) == data


def test_an_md5_mismatch_is_refused_and_nothing_is_kept(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    files = local_files(sets.FASHION_MNIST)
    with pytest.raises(DownloadError) as caught:
        download_mnist(
            tmp_path,
            mirrors=(fault_server.mirror("wrong"),),
            timeout=2,
            files=files,
            title="Fashion-MNIST",
        )
    message = str(caught.value)
    assert "\n" not in message
    assert "checksum mismatch for train-images-idx3-ubyte.gz (expected MD5" in message
    assert "from any Fashion-MNIST mirror" in message
    assert list(tmp_path.iterdir()) == []


def test_md5_sets_refuse_a_recompressed_or_raw_copy(tmp_path: Path) -> None:
    stem = next(iter(RAW))
    expected = local_files(sets.KMNIST)[0]
    exact = tmp_path / "exact.gz"
    exact.write_bytes(SERVED[stem + ".gz"])
    assert verify_file(exact, expected) is None
    rewrapped = tmp_path / "other.gz"
    rewrapped.write_bytes(gzip.compress(RAW[stem], compresslevel=1, mtime=7))
    assert "checksum mismatch" in (verify_file(rewrapped, expected) or "")
    raw = tmp_path / stem
    raw.write_bytes(RAW[stem])
    assert "keep the .gz file" in (verify_file(raw, expected) or "")


def test_another_set_defaults_to_its_own_folder(tmp_path: Path, monkeypatch) -> None:
    from cnn_tui.core.data.locate import candidate_dirs, download_dir

    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    env = {"CNN_TUI_DATA": "/elsewhere/mnist", "XDG_CACHE_HOME": "/cache"}
    assert download_dir(None, env, "fashion-mnist") == Path("data/fashion-mnist")
    assert download_dir(None, env) == Path("/elsewhere/mnist")  # MNIST as before
    assert candidate_dirs(None, env, "kmnist") == [
        Path("data/kmnist"),
        Path("/cache/cnn-tui/kmnist"),
    ]
