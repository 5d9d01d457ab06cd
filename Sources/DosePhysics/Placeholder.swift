public enum DosePhysicsPlaceholder {}
