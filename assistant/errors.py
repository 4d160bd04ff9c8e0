"""The package's own exceptions. Each message says what to do next."""


class AssistantError(Exception):
    """Base class: anything the CLI and the web UI turn into a one-line message."""


class CorpusError(AssistantError):
    """The corpus directory is missing, empty, or none of its files could be read."""


class IndexLoadError(AssistantError):
    """The saved index cannot be used (missing, stale or corrupt); callers rebuild it."""


class ModelError(AssistantError):
    """The embedding model could not be loaded."""


class ConfigError(AssistantError):
    """A setting has a value the assistant cannot use."""
