"""Conversation states of a table entered as a file."""

from aiogram.fsm.state import State, StatesGroup


class TableFile(StatesGroup):
    waiting = State()  # the school's filled template


class BulkLoad(StatesGroup):
    waiting = State()  # the methodist's workbook of many schools
    year = State()  # which year's columns of a published table
    replace = State()  # replace the tables schools filled in themselves?
