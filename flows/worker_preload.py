"""Imported once by the worker forkserver (`govmap.flows.documents.worker_context`): builds the default
spaCy pipeline there, so every worker forked from it starts with the pipeline built.

Building it compiles the knowledge base's name regexes: a second or so of CPU that each worker
would otherwise spend again, at the start of the run when the flow's own process has the other
core busy importing Prefect.  A pipeline that fails to build here is built (and its error
reported) by the worker instead: the forkserver must come up whatever happens.
"""

from govmap.flows.documents import worker_nlp
from govmap.runtime import die_with_parent

# The server ends with the thread that started it (`start_worker_server`), and its workers end
# with it (`init_worker`): nothing of a killed run, or of a Dask worker its nanny killed, lives on.
# It would otherwise never end: each worker holds the server's "alive" pipe open, by design.
die_with_parent()

try:
    worker_nlp()
except Exception:  # noqa: BLE001 - see the module docstring: the worker raises it with context
    pass
