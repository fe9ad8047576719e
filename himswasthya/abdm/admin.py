"""Nothing of the ABDM app is in the admin (SEC-26, issue #10).

The simulator's ABHA accounts and the gateway calls it received hold names, years of birth, mobiles and ABHA
profiles; ABHA links point at persons. They are seen through the audited pages or the simulator's own API.
accounts/tests/test_admin.py fails if a personal-data field is registered here.
"""
