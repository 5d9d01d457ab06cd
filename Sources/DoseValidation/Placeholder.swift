public enum DoseValidationPlaceholder {}
