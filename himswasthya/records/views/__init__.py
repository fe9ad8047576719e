"""The records app's web pages: the citizen's and the record's pages (citizen.py), the doctor's workbench
(workbench.py)."""
