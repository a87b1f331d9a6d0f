"""Article extraction in worker processes (``FAKTI_EXTRACT_WORKERS``), for CPU-bound crawls."""
