"""The interviewer's voice: speaking text to WAVs and playing them."""
