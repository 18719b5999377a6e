"""Outgoing bulk messages (reminders, digests) sent within Telegram's rate limits."""

from .sender import Delivery, DeliveryStatus, Outgoing, Sender

__all__ = ["Delivery", "DeliveryStatus", "Outgoing", "Sender"]
