"""The monitoring plan (issue 18, seed 004's schedule): lines of direction, owners and
periodicity, read from a workbook or pasted text (``reading``, ``files``), matched to the bot's
forms and people (``loader``), and saved as recurring monitorings owned by their specialists
(``service``), listed by month for /plan.
"""
