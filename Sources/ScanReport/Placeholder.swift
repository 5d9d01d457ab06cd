public enum ScanReportPlaceholder {}
