#!/usr/bin/env python3
"""Write the crafted bad pprof inputs in this folder (run it here; the
outputs are committed, so the tests do not need Python). Each file is a
minimal raw protobuf with one defect; README.md lists what each must make
flamekit say."""


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def field(num, wire, payload=b"", value=None):
    tag = varint((num << 3) | wire)
    if wire == 0:
        return tag + varint(value)
    return tag + varint(len(payload)) + payload


EMPTY = field(6, 2, b"")  # string_table[0] = ""


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


write("bad-location-id.pb",
      field(1, 2, field(1, 0, value=1) + field(2, 0, value=2))
      + field(2, 2, field(1, 0, value=5) + field(2, 0, value=1))
      + EMPTY + field(6, 2, b"samples") + field(6, 2, b"count"))
write("bad-string-index.pb",
      field(1, 2, field(1, 0, value=9)) + EMPTY)
write("huge-length.pb",
      EMPTY + varint((2 << 3) | 2) + varint(2 << 30) + b"\0")
write("value-count.pb",
      field(1, 2, field(1, 0, value=0)) + field(1, 2, field(1, 0, value=0))
      + field(2, 2, field(2, 0, value=1)) + EMPTY)
write("first-string.pb", field(6, 2, b"x"))

# 5000 levels of an unknown length-delimited field inside a sample
inner = b""
for _ in range(5000):
    inner = field(16, 2, inner)
write("deep-nesting.pb", EMPTY + field(2, 2, inner))
