"""HIMCARE demo data, in dependency order: enrolment, hospital, claims, monitoring (`make_himcare_demo`)."""
