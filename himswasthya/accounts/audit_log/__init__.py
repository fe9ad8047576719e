"""The audit log viewer (page and API): who may read which audit entries.

The log itself - the model, the hash chain, `record()`, sealing and the commands - is the `audit` app at the
bottom of the dependency order; reading it needs `accounts` scoping (state administrator everything, district
officer their district), so the viewer lives here. URLs and names are unchanged: /audit/ (`audit:entries`),
/api/audit/entries and /api/audit/verify.
"""
