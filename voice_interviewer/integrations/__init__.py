"""Opt-in helpers that leave the machine (LLM coach, remote transcription) and their wiring from the flags."""
