"""Excel for editors: ``gongshi excel`` writes a dataset as a workbook (``workbook.py``),
``gongshi import`` reads one back, validates it with the build's own rules and writes the
dataset's CSV in the repository's canonical form (``sheet.py``, ``importer.py``, ``canonical.py``);
``hints.py`` recognises what Excel does to data (scientific notation, lost leading zeros, serial
dates, stray spaces, mojibake) wherever a cell is rejected, on the CSV build path too.

Only ``workbook.py``, ``sheet.py`` and ``importer.py`` import openpyxl: the build imports
``hints.py`` and ``canonical.py`` and stays free of it.
"""
