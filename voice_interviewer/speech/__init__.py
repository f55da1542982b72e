"""Speech to words: endpointing, streaming transcription, hesitations Whisper drops, remote transcription, WER."""
