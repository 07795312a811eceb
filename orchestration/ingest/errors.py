"""What goes wrong with a load: file-level problems that fail the run, and bugs."""

from __future__ import annotations


class SourceFileError(ValueError):
    """A problem with a whole source file that fails the run; the message names the file."""


class MissingColumnError(SourceFileError):
    """The header of a source file lacks one or more contract columns."""


class ReconciliationError(RuntimeError):
    """Rows read do not equal rows loaded plus rows rejected: a bug in ingestion itself."""


class ParentNotLoadedError(RuntimeError):
    """A table's rows cannot be checked against their parent: the parent is not loaded."""
