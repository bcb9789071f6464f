"""Settings: one pydantic-settings Settings, split into its groups."""
