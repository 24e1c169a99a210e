"""Carry a trained transformer pipeline through the device tool's return limits (16 MiB a file).

    python shrink.py pack PIPELINE_DIR OUT_DIR     # on the GPU box
    python shrink.py unpack OUT_DIR PIPELINE_DIR   # here

``pack`` writes the pipeline's files but the transformer weights as ``rest.tar``, and the
component's ``model`` file with the Hugging Face weights in float16 as ``model.part-N`` pieces.
``unpack`` puts the pipeline back together with the weights in float32 again, and clears the
``model_dir`` the box trained from (a path of that machine; loading never reads it).
"""
from __future__ import annotations

import io
import re
import sys
import tarfile
from pathlib import Path

import srsly
import torch

PIECE = 15 * 1024 * 1024
MODEL_FILE = "news_event_model/model"


def _recast_weights(data: bytes, dtype: torch.dtype) -> bytes:
    """The component's serialized model with every floating tensor of its transformer shim in ``dtype``."""
    model = srsly.msgpack_loads(data)
    found = 0
    for shim_index, shim_group in enumerate(model["shims"]):
        for index, shim_bytes in enumerate(shim_group):
            shim = srsly.msgpack_loads(shim_bytes)
            if not (isinstance(shim, dict) and shim.get("state")):
                continue
            state = torch.load(io.BytesIO(shim["state"]), map_location="cpu", weights_only=True)
            state = {name: (tensor.to(dtype) if tensor.is_floating_point() else tensor) for name, tensor in state.items()}
            buffer = io.BytesIO()
            torch.save(state, buffer)
            shim["state"] = buffer.getvalue()
            model["shims"][shim_index][index] = srsly.msgpack_dumps(shim)
            found += 1
    if found != 1:
        raise ValueError(f"expected one transformer shim, found {found}")
    return srsly.msgpack_dumps(model)


def pack(pipeline_dir: Path, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(out_dir / "rest.tar", "w") as tar:
        for path in sorted(pipeline_dir.rglob("*")):
            relative = path.relative_to(pipeline_dir).as_posix()
            if path.is_file() and relative != MODEL_FILE:
                tar.add(path, arcname=relative)
    small = _recast_weights((pipeline_dir / MODEL_FILE).read_bytes(), torch.float16)
    for number, start in enumerate(range(0, len(small), PIECE)):
        (out_dir / f"model.part-{number}").write_bytes(small[start:start + PIECE])


def unpack(out_dir: Path, pipeline_dir: Path) -> None:
    pipeline_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(out_dir / "rest.tar") as tar:
        tar.extractall(pipeline_dir, filter="data")
    pieces = sorted(out_dir.glob("model.part-*"), key=lambda path: int(path.name.rsplit("-", 1)[1]))
    small = b"".join(path.read_bytes() for path in pieces)
    (pipeline_dir / MODEL_FILE).parent.mkdir(parents=True, exist_ok=True)
    (pipeline_dir / MODEL_FILE).write_bytes(_recast_weights(small, torch.float32))
    config = pipeline_dir / "config.cfg"
    config.write_text(re.sub(r"(?m)^model_dir = .*$", "model_dir = null", config.read_text()))


if __name__ == "__main__":
    command, source, target = sys.argv[1:4]
    {"pack": pack, "unpack": unpack}[command](Path(source), Path(target))
