public enum PixelAnalysisPlaceholder {}
