"""Application services: plain Python over ``storage``, with no aiogram import."""
