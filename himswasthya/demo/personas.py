"""What the demo loaders agree on: the demo citizen's mobile and the demo district."""

# The mobile `make_demo_users` gives demo.citizen; `make_demo_citizen_family` and the HIMCARE demo find the
# citizen's family by it.
DEMO_CITIZEN_MOBILE = "9800000001"
# Shimla is district 23 in the LGD directory (25 is Solan): the demo facility and family are there.
SHIMLA_LGD = 23
