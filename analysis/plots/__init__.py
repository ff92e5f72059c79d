"""Plotting functions of analysis/report.py, one module per picture.

Every function takes a `ReportData` (report_data.py) and the output folder, writes one PNG or
more, and returns a list of `Figure`s saying what each shows; when a picture cannot be drawn
from the file it raises `Unavailable` with the reason, which the report prints instead.
"""
