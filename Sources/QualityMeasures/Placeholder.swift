public enum QualityMeasuresPlaceholder {}
