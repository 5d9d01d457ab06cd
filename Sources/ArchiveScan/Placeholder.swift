import DICOMBridge
public enum ArchiveScanPlaceholder {}
