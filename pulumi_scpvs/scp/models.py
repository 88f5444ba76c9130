"""Pydantic v2 models of every schema in the SCP Virtual Server API document.

The classes are generated (``tools/generate.py``); they carry the document's
constraints, so validating a request here is validating it as the API would.
"""

from ._generated.models import *  # noqa: F403 - the generated module lists its exports in __all__
from ._generated.models import MODELS
from ._generated.models import __all__ as _generated_all
from ._generated.queries import QUERIES
from ._model_base import ScpModel, unknown_fields

__all__ = ["MODELS", "QUERIES", "ScpModel", "unknown_fields", *_generated_all]
