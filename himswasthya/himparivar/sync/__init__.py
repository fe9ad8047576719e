"""Incremental sync with the Him Parivar register's API: HTTP client, a local simulator, applying changes."""
