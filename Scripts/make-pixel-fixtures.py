#!/usr/bin/env python3
"""Expected stored values for DICOMBridge's pixel tests, from an independent decoder.

Decodes every image in ../shared/corpus/transfer-syntaxes (and the CT images among ct-slices and
malformed that decode) with pydicom + pylibjpeg (libjpeg, openjpeg, rle plugins), and writes
Tests/DICOMBridgeTests/Fixtures/pixel-expectations.json:

  per file (path relative to the corpus root): transfer syntax, rows/columns/frames/samples, lossless
  flag, and per frame the sum and sum of squares of the stored values, the SHA-256 of the stored
  values as little-endian int32, and sample pixels (row, column, value). Lossy files carry more
  samples and are compared within the tolerance stated in the JSON header.

No corpus file is copied. Run from the package root:  python3 Scripts/make-pixel-fixtures.py
"""
import datetime
import hashlib
import json
import os
import random
import sys
from importlib import metadata

import numpy as np
import pydicom
import pydicom.errors
import pydicom.uid
from pydicom.uid import UID

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus"))
OUT = os.path.join(ROOT, "Tests", "DICOMBridgeTests", "Fixtures", "pixel-expectations.json")

LOSSY = {
    "1.2.840.10008.1.2.4.50",  # JPEG baseline
    "1.2.840.10008.1.2.4.51",  # JPEG extended
    "1.2.840.10008.1.2.4.81",  # JPEG-LS near-lossless
    "1.2.840.10008.1.2.4.91",  # JPEG 2000 (lossy allowed)
}
# Decoders differ in IDCT rounding (DCMTK's IJG vs libjpeg); near-lossless and lossy J2K may too.
TOLERANCE = {"max_abs_diff": 2, "max_mean_diff": 0.5}
LOSSLESS_SAMPLES = 5
LOSSY_SAMPLES = 200
CT_SOP = {"1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.2.1"}


def version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def candidate_files():
    for folder in ("transfer-syntaxes", "ct-slices", "malformed"):
        for dirpath, _, names in os.walk(os.path.join(CORPUS, folder)):
            for name in sorted(names):
                yield os.path.join(dirpath, name)


def frames_of(ds, arr):
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    samples = int(ds.get("SamplesPerPixel", 1))
    if frames == 1:
        arr = arr[np.newaxis, ...]
    if samples == 1:
        arr = arr[..., np.newaxis]
    return arr.astype(np.int64)


def describe(path):
    rel = os.path.relpath(path, CORPUS)
    folder = rel.split(os.sep)[0]
    try:
        ds = pydicom.dcmread(path)
    except pydicom.errors.InvalidDicomError:
        # A bare dataset without preamble/meta (allowed by DCMTK): read it forced, and give pydicom the
        # transfer syntax it detected from the data itself.
        try:
            ds = pydicom.dcmread(path, force=True)
            if "TransferSyntaxUID" not in ds.file_meta and "PixelData" in ds:
                ds.file_meta.TransferSyntaxUID = (
                    pydicom.uid.ImplicitVRLittleEndian if ds.is_implicit_VR else
                    pydicom.uid.ExplicitVRLittleEndian if ds.is_little_endian else pydicom.uid.ExplicitVRBigEndian)
        except Exception as exc:
            return None, f"{rel}: unreadable ({type(exc).__name__})"
    except Exception as exc:  # not DICOM / unreadable: not a fixture
        return None, f"{rel}: unreadable ({type(exc).__name__})"
    if "PixelData" not in ds:
        return None, None
    tsyntax = str(ds.file_meta.get("TransferSyntaxUID", "")) if hasattr(ds, "file_meta") else ""
    if folder != "transfer-syntaxes" and str(ds.get("SOPClassUID", "")) not in CT_SOP:
        return None, None
    lossy = tsyntax in LOSSY  # stored natively after an earlier lossy step is still exact here
    if folder != "transfer-syntaxes" and lossy:
        return None, f"{rel}: lossy CT outside transfer-syntaxes, skipped"
    try:
        arr = ds.pixel_array
    except Exception as exc:
        return None, f"{rel}: pydicom cannot decode ({type(exc).__name__}: {str(exc)[:80]})"
    samples = int(ds.get("SamplesPerPixel", 1))
    if int(ds.BitsAllocated) not in (8, 16, 32) or (int(ds.BitsStored) == 32 and int(ds.PixelRepresentation) == 0):
        return None, f"{rel}: Bits Allocated {ds.BitsAllocated} / unsigned 32-bit, outside the decoder's scope"
    data = frames_of(ds, arr)
    nframes, rows, cols, _ = data.shape
    rng = random.Random(rel)
    count = LOSSY_SAMPLES if lossy else LOSSLESS_SAMPLES
    frames = []
    for f in range(nframes):
        frame = data[f]
        positions = [(0, 0), (rows - 1, cols - 1), (rows // 2, cols // 2)]
        while len(positions) < count:
            positions.append((rng.randrange(rows), rng.randrange(cols)))
        frames.append({
            "sum": int(frame.sum()),
            "sum_of_squares": int((frame * frame).sum()),
            "sha256_int32_le": hashlib.sha256(frame.astype("<i4").tobytes()).hexdigest(),
            "samples": [[r, c, int(frame[r, c, 0])] for r, c in positions[:count]],
        })
    hounsfield = hounsfield_facts(ds, data[0]) if samples == 1 else None
    entry = {
        "path": rel.replace(os.sep, "/"),
        "transfer_syntax": tsyntax,
        "rows": rows, "columns": cols, "frames": nframes, "samples_per_pixel": samples,
        "photometric_interpretation": str(ds.get("PhotometricInterpretation", "")),
        "bits_stored": int(ds.BitsStored), "pixel_representation": int(ds.PixelRepresentation),
        "lossless": not lossy,
        "frame_values": frames,
    }
    if hounsfield:
        entry["hounsfield_frame0"] = hounsfield
    return entry, None


def hounsfield_facts(ds, frame):
    """Frame 0 in HU via pydicom's modality LUT (top-level Rescale only) and its padding count.

    Padding per PS3.3 C.7.5.1.1.2: stored values equal to Pixel Padding Value, or within the range up to
    Pixel Padding Range Limit; the value's bits are read with the image's signedness (US/SS).
    """
    if "RescaleSlope" not in ds or "RescaleIntercept" not in ds:
        return None
    from pydicom.pixels import apply_modality_lut
    stored = frame[..., 0]
    hu = apply_modality_lut(stored.astype(np.float64), ds)
    facts = {"mean": float(hu.mean()), "padding_count": 0}
    if "PixelPaddingValue" in ds:
        def as_stored(value):
            bits = int(ds.BitsStored)
            raw = int(value) & ((1 << bits) - 1)
            if int(ds.PixelRepresentation) == 1 and raw & (1 << (bits - 1)):
                raw -= 1 << bits
            return raw
        low = high = as_stored(ds.PixelPaddingValue)
        if "PixelPaddingRangeLimit" in ds:
            limit = as_stored(ds.PixelPaddingRangeLimit)
            low, high = min(low, limit), max(high, limit)
        facts["padding_value_vr"] = ds["PixelPaddingValue"].VR
        facts["padding_count"] = int(((stored >= low) & (stored <= high)).sum())
    return facts


def main():
    if not os.path.isdir(CORPUS):
        sys.exit(f"corpus not found at {CORPUS}")
    entries, notes = [], []
    for path in candidate_files():
        entry, note = describe(path)
        if entry:
            entries.append(entry)
        if note:
            notes.append(note)
    document = {
        "provenance": {
            "generator": "Scripts/make-pixel-fixtures.py",
            "decoder": "pydicom Dataset.pixel_array (independent of DCMTK/OpenJPEG-in-shim)",
            "versions": {name: version(name) for name in (
                "pydicom", "pylibjpeg", "pylibjpeg-libjpeg", "pylibjpeg-openjpeg", "pylibjpeg-rle", "numpy")},
            "python": sys.version.split()[0],
            "date": datetime.date.today().isoformat(),
            "corpus_root": "../shared/corpus (paths below are relative to it)",
            "stored_values": "pydicom pixel_array (raw, before rescale); colour samples in 'samples' are sample 0",
        },
        "lossy_tolerance": TOLERANCE,
        "lossy_transfer_syntaxes": sorted(LOSSY),
        "not_included": notes,
        "files": entries,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as handle:
        json.dump(document, handle, indent=1)
        handle.write("\n")
    print(f"{len(entries)} files, {len(notes)} notes -> {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
