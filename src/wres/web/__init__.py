"""The wres web service (Django): authorities submit, see and act; the national team pools.

Run it with `make serve`, or `python -m wres.web <manage.py command>`.
"""
