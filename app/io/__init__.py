"""Excel import and export of the household archive (SPEC §5, §6). No Qt here.

The import runs in separate steps, each usable and testable alone:

1. `workbook.read_workbook`  file (.xlsx .xlsm .xls .xlsb .ods) -> sheets of cell values (python-calamine, after
   the checks of `workbook_guard`: zip bombs, DTDs, sparse grids; `xlsx_stream` reads sheets too big for calamine)
2. `headers.find_header`     sheet -> where the header is and which column holds which field
3. `grouping.group_sheet`    sheet + header -> households with their rows (layout A blocks / layout B 户编号)
4. `validate.validate`       households -> normalised households with errors/warnings (pure)
   `against.check_against`   + what the database holds -> matches, IDs held elsewhere, renames, new places
5. `apply.plan` / `apply.write`  validated households -> what changes (and to whom: `changes`) -> one transaction

`importer` strings the steps together for the command line and the wizard; `export` and `xlsx_layout`
write the township ledger layout; `report` writes the error report (a marked copy of the workbook).
"""
