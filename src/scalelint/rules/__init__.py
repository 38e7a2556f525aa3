"""One module per rule; the registry finds them by walking this package."""
