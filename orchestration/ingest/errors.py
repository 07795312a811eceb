"""What goes wrong with a load: file-level problems that fail the run, and bugs."""

from __future__ import annotations


class SourceFileError(ValueError):
    """A problem with a whole source file that fails the run; the message names the file."""


class MissingColumnError(SourceFileError):
    """The header of a source file lacks one or more contract columns.

    `missing` names them (contract names) and `extra` the file's other columns, for
    reports that list them (`orchestration.inspect`).
    """

    def __init__(
        self, message: str, missing: tuple[str, ...] = (), extra: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.missing = missing
        self.extra = extra


class ReconciliationError(RuntimeError):
    """Rows read do not equal rows loaded plus rows rejected: a bug in ingestion itself."""


class ParentNotLoadedError(RuntimeError):
    """A table's rows cannot be checked against their parent: the parent is not loaded."""


class MappingError(SourceFileError):
    """A problem with the source mapping (`mapping.yml`): the message names the mapping
    file and line, and the source file where one is involved."""
