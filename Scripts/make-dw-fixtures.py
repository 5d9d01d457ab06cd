#!/usr/bin/env python3
"""Per-slice water-equivalent diameter of the corpus's Toshiba whole-body phantom series, computed with
an independent implementation, dicom-image-tools (PyPI), for ctdose's agreement test.

Writes Tests/ArchiveScanTests/Fixtures/toshiba-wholebody-dw.json. Run from the repository root with
../shared/corpus beside it (pip install dicom-image-tools):  python3 Scripts/make-dw-fixtures.py

Two reference values per slice, both from dicom-image-tools' calculate_area_equivalent_diameter
(mask HU >= -500, remove_table=True, binary hole filling, AAPM 220 Aw = (mean HU/1000 + 1) * area):
- per_slice: each slice loaded on its own, so the tool segments it in 2-D (erosion/dilation with a
  radius-3 disk, the blob at the image centre). ctdose also segments slice by slice.
- volume: the whole series at once (the tool's default: 3-D erosion/dilation, the blob at the volume centre).
A null value means the tool found no patient on that slice (empty mask).
"""
import datetime
import json
import pathlib
import sys
import warnings
from importlib.metadata import version

import pydicom
from dicom_image_tools.ct_tools.patient_equivalent_diameter import calculate_area_equivalent_diameter
from dicom_image_tools.dicom_handlers.ct import CtSeries

warnings.simplefilter("ignore")
root = pathlib.Path(__file__).resolve().parent.parent
folder = root.parent / "shared/corpus/ct-series/toshiba-wholebody-phantom"
if not folder.is_dir():
    sys.exit(f"{folder} not found")


def wed(value):
    value = float(value)
    return None if value != value else round(value, 5)  # NaN: empty mask


files = sorted(folder.glob("*.dcm"))
volume = None
per_slice = {}
for path in files:
    ds = pydicom.dcmread(path)
    volume = volume or CtSeries(series_instance_uid=ds.SeriesInstanceUID)
    volume.add_file(path, dcm=ds)
    single = CtSeries(series_instance_uid=ds.SeriesInstanceUID)
    single.add_file(path, dcm=ds)
    single.import_image_volume()
    per_slice[path.name] = wed(calculate_area_equivalent_diameter(single)[0][0].WED_cm)
volume.import_image_volume()
volume_values = calculate_area_equivalent_diameter(volume)[0]
volume_files = [pathlib.Path(str(f)).name for f in volume.FilePaths]
rows = [{"file": name, "z_mm": float(volume.SlicePosition[i]), "perSlice_cm": per_slice[name], "volume_cm": wed(volume_values[i].WED_cm)}
        for i, name in enumerate(volume_files)]
out = root / "Tests/ArchiveScanTests/Fixtures/toshiba-wholebody-dw.json"
out.write_text(json.dumps({
    "provenance": {
        "tool": f"dicom-image-tools {version('dicom-image-tools')} (PyPI), pydicom {version('pydicom')}, scikit-image {version('scikit-image')}",
        "method": "calculate_area_equivalent_diameter (get_patient_mask threshold -500, remove_table=True); see Scripts/make-dw-fixtures.py",
        "series": "../shared/corpus/ct-series/toshiba-wholebody-phantom",
        "generated": datetime.date.today().isoformat(),
    },
    "slices": rows,
}, indent=1) + "\n")
print(f"{len(rows)} slices -> {out}")
