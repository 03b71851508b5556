"""The teaching notebooks as content: each module's narrative in its own Markdown file.

``notebooks/narrative/NN_slug.md`` holds a module's body (markdown cells and
explicit code cells, :mod:`.content`); :mod:`.build` puts it in the frame every
module shares and writes ``notebooks/NN_slug.ipynb`` without outputs;
``mesocourse build-notebooks [--check]`` (:mod:`.cli`) runs it, or says which
committed notebooks differ from their narrative.
"""

from .build import built, narrative_path, notebook, stale, write
from .content import Cell, Narrative, NarrativeError, read_narrative

__all__ = ["Cell", "Narrative", "NarrativeError", "built", "narrative_path", "notebook", "read_narrative", "stale",
           "write"]
