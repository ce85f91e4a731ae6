#!/usr/bin/python3
"""A safetensors reader/writer written with numpy only, independent of panagrad, for cross-checking the format.

    safetensors_numpy.py write OUT   writes the reference file numpy_written.safetensors (committed next to this
                                     script; SafeTensorsTest reads it and asserts the values below)
    safetensors_numpy.py read IN     validates IN and prints, per tensor in offset order,
                                     "name dtype shape sum values..." (values as %.9g), then "__metadata__ k=v ..."
"""
import json
import struct
import sys

import numpy as np


def reference_tensors():
    # Offsets are laid out in this order; the JSON header lists them in another order on purpose.
    return [
        ("bias", np.array([0.1, -0.2, 0.3], dtype=np.float32)),
        ("layer.weight", (np.arange(6, dtype=np.float32) * 0.5 - 1).reshape(2, 3)),
        ("cube", (np.arange(8, dtype=np.float32) ** 2 / 7).reshape(2, 2, 2).astype(np.float32)),
        ("scalar", np.array(3.5, dtype=np.float32)),
        ("empty", np.zeros((0, 4), dtype=np.float32)),
    ]


def write(path):
    tensors = reference_tensors()
    header, offset, blobs = {}, 0, []
    for name, a in tensors:
        data = a.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    ordered = {"__metadata__": {"format": "pt", "epoch": "3"}}
    for name in ["layer.weight", "scalar", "__metadata__", "empty", "cube", "bias"]:
        if name != "__metadata__":
            ordered[name] = header[name]
    text = json.dumps(ordered, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    meta = header.pop("__metadata__", {})
    entries = sorted(header.items(), key=lambda kv: kv[1]["data_offsets"])
    expected = 0
    for name, info in entries:
        assert info["dtype"] == "F32", (name, info["dtype"])
        begin, end = info["data_offsets"]
        assert begin == expected, (name, begin, expected)
        assert end - begin == 4 * int(np.prod(info["shape"], dtype=np.int64)), (name, info)
        expected = end
        a = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"])
        values = " ".join("%.9g" % v for v in a.reshape(-1))
        print("%s %s %s %.9g %s" % (name, info["dtype"], list(a.shape), float(a.sum(dtype=np.float64)), values))
    assert expected == len(data), (expected, len(data))
    print("__metadata__ " + " ".join("%s=%s" % kv for kv in sorted(meta.items())))


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](sys.argv[2])
