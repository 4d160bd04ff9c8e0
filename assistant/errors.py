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


class StoreError(AssistantError):
    """The index folder cannot be used as an index store (it holds someone else's files)."""


class ExportError(AssistantError):
    """The model could not be exported to ONNX, or its export does not match the reference.

    ``retry`` is True when the cause may go away (a full disk, a file that could not be
    written): the index is then stale and ``assistant index`` tries the export again.
    A model the exporter does not support (``retry=False``) is not retried.
    """

    def __init__(self, message: str, *, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


class DataFileError(AssistantError):
    """A data file shipped inside the package is missing or unreadable: the install is broken."""
