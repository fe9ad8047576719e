"""Demo loaders for every app: synthetic population, demo logins, OPD timetables, appointments, HIMCARE.

The top of the layer order: it may import any app; production code never imports it.
"""
