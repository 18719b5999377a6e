"""A table question as a spreadsheet: the school's template (``template``), reading it back
filled (``reading``), the school's upload (``entry``) and the methodist's bulk load of many
schools' rows into a round (``bulk``)."""
