"""Project commands (``COMMANDS_MODULE``): ``crawl`` exits with the run's health status."""
