"""Root pytest configuration: shared by unit and browser tests (DESIGN.md, "Fixtures")."""
