"""/plan: the monitoring plan of a municipality (seed 004's schedule), for methodists and
administrators."""

from bot.handlers.monitoring_plan.router import build_router

__all__ = ["build_router"]
