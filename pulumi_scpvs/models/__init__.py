"""Pydantic v2 models of every schema in the SCP Virtual Server API document.

The classes are generated (``tools/generate.py``); they carry the document's
constraints, so validating a request here is validating it as the API would.
"""

from ._base import ScpModel, unknown_fields
from ._generated import *  # noqa: F403 - the generated module lists its exports in __all__
from ._generated import MODELS
from ._generated import __all__ as _generated_all
from ._queries import QUERIES

__all__ = ["MODELS", "QUERIES", "ScpModel", "unknown_fields", *_generated_all]
