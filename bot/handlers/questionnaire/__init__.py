"""Answering a questionnaire in the chat: "Мои анкеты", one question at a time, review, submit."""

from bot.handlers.questionnaire.router import build_router

__all__ = ["build_router"]
